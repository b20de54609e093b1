import { setTimeout as sleep } from 'node:timers/promises';
import { errors as esErrors } from '@elastic/elasticsearch';
import kafkajs from 'kafkajs';
import type { Logger } from 'pino';
import { classifyRequestError } from '../pipeline/clients/elasticsearch-failure.js';
import { backoffDelayMs } from '../pipeline/runtime/backoff.js';

// kafkajs is CommonJS and spreads its error classes into its exports: named imports do not resolve.
const { KafkaJSNumberOfRetriesExceeded } = kafkajs;

/**
 * Whether `err` means "a service is not reachable or not ready now" rather than "this will never
 * work": a Kafka error flagged retriable (a moved coordinator or leader, a broker restarting) or
 * whose client retries ran out on such errors, and an Elasticsearch failure classified retriable
 * (no connection, a timeout, 429, 5xx, unavailable shards).
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof KafkaJSNumberOfRetriesExceeded) return true;
  if (err instanceof esErrors.ElasticsearchClientError) return classifyRequestError(err).retriable;
  return (err as { retriable?: unknown } | null)?.retriable === true;
}

/** A transient failure that lasted past the deadline. */
export class TransientTimeoutError extends Error {
  constructor(
    readonly what: string,
    options: { cause: unknown },
  ) {
    super(`${what}: still unavailable at the deadline`, options);
    this.name = 'TransientTimeoutError';
  }
}

/** Options of `retryTransient`. */
export interface RetryTransientOptions {
  /** What is being done, for the log and the timeout error (e.g. `end offsets of btc.blocks`). */
  what: string;
  /** Epoch ms after which a transient failure becomes a `TransientTimeoutError`. */
  deadlineMs: number;
  log: Logger;
}

/**
 * Runs `action`, retrying transient failures (`isTransient`) with capped exponential backoff
 * (0.5 s doubling up to 10 s) until the deadline; anything else is rethrown at once. Each retry
 * is logged once with the error under `err`.
 */
export async function retryTransient<T>(action: () => Promise<T>, options: RetryTransientOptions): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await action();
    } catch (err) {
      if (!isTransient(err)) throw err;
      if (Date.now() >= options.deadlineMs) throw new TransientTimeoutError(options.what, { cause: err });
      options.log.warn({ err, what: options.what, attempt }, 'service unavailable; retrying');
      await sleep(Math.max(100, backoffDelayMs(attempt, { baseMs: 500, maxMs: 10_000 })));
    }
  }
}
