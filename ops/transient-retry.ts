import { errors as esErrors } from '@elastic/elasticsearch';
import { PipelineError } from '../pipeline/runtime/index.js';

const ES_TRANSIENT_TYPES = new Set(['cluster_block_exception', 'unavailable_shards_exception', 'no_shard_available_action_exception', 'master_not_discovered_exception']);

/**
 * Whether `err` means "a service is unreachable or busy, the same request may succeed later":
 * a retriable Kafka error (a moved coordinator or leader, a lost connection; also when kafkajs
 * gave up retrying one), Elasticsearch unreachable, timed out, 429, 5xx, blocked or without
 * shards, a Redis command that ran out of reconnection attempts. Classified by type and fields.
 */
export function isTransientError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 5; depth += 1) {
    if (e instanceof esErrors.ConnectionError || e instanceof esErrors.NoLivingConnectionsError || e instanceof esErrors.TimeoutError) return true;
    if (e instanceof esErrors.ResponseError) {
      const status = e.meta.statusCode ?? 0;
      const type = (e.meta.body as { error?: { type?: string } } | undefined)?.error?.type;
      return status === 429 || status >= 500 || (type !== undefined && ES_TRANSIENT_TYPES.has(type));
    }
    if (e instanceof PipelineError) return e.retriable;
    const fields = e as { retriable?: unknown; name?: unknown; code?: unknown; cause?: unknown };
    if (fields.retriable === true) return true;
    if (fields.name === 'MaxRetriesPerRequestError') return true;
    if (typeof fields.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'].includes(fields.code)) return true;
    // kafkajs wraps the last retriable error when its own retries run out.
    e = fields.cause;
  }
  return false;
}

/** A service stayed unreachable until the deadline; `cause` is the last error. */
export class ServiceUnavailableError extends PipelineError {
  constructor(
    readonly what: string,
    readonly waitedMs: number,
    options: { cause: unknown },
  ) {
    super(`${what}: still failing after ${Math.round(waitedMs / 1000)} s of retries`, { retriable: true, cause: options.cause });
  }
}

/** Options of `retryTransient`. */
export interface RetryTransientOptions {
  /** Give up after this long (default 300 000 ms). */
  deadlineMs?: number;
  /** Called before each pause (to tell the operator what is awaited and until when). */
  onRetry?: (retry: { what: string; err: unknown; attempt: number; delayMs: number; remainingMs: number }) => void;
  /** First pause between attempts, doubled up to 10 s (default 500 ms). */
  initialDelayMs?: number;
}

/**
 * Runs `fn` until it succeeds; transient errors (`isTransientError`) are retried with a growing
 * pause until the deadline, then turned into a `ServiceUnavailableError` naming `what`. Any other
 * error is thrown at once.
 */
export async function retryTransient<T>(what: string, fn: () => Promise<T>, options: RetryTransientOptions = {}): Promise<T> {
  const deadlineMs = options.deadlineMs ?? 300_000;
  const started = performance.now();
  let delay = options.initialDelayMs ?? 500;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransientError(err)) throw err;
      const waited = performance.now() - started;
      if (waited + delay > deadlineMs) throw new ServiceUnavailableError(what, waited, { cause: err });
      options.onRetry?.({ what, err, attempt, delayMs: delay, remainingMs: deadlineMs - waited });
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}
