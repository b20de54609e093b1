import { PipelineError } from '../runtime/index.js';
import { isTransientError } from './transient-error.js';

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
  /** Milliseconds since an arbitrary origin, for the deadline (default `performance.now`). */
  monotonicMs?: () => number;
}

/**
 * Runs `fn` until it succeeds; transient errors (`isTransientError`) are retried with a growing
 * pause until the deadline, then turned into a `ServiceUnavailableError` naming `what`. Any other
 * error is thrown at once.
 */
export async function retryTransient<T>(what: string, fn: () => Promise<T>, options: RetryTransientOptions = {}): Promise<T> {
  const deadlineMs = options.deadlineMs ?? 300_000;
  const now = options.monotonicMs ?? (() => performance.now());
  const started = now();
  let delay = options.initialDelayMs ?? 500;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransientError(err)) throw err;
      const waited = now() - started;
      if (waited + delay > deadlineMs) throw new ServiceUnavailableError(what, waited, { cause: err });
      options.onRetry?.({ what, err, attempt, delayMs: delay, remainingMs: deadlineMs - waited });
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}
