import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { isTransientError } from '../pipeline/clients/transient-error.js';
import { backoffDelayMs } from '../pipeline/runtime/index.js';

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
 * Runs `action`, retrying transient failures (`isTransientError`: a service unreachable or not ready) with capped exponential backoff
 * (0.5 s doubling up to 10 s) until the deadline; anything else is rethrown at once. Each retry
 * is logged once with the error under `err`.
 */
export async function retryTransient<T>(action: () => Promise<T>, options: RetryTransientOptions): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await action();
    } catch (err) {
      if (!isTransientError(err)) throw err;
      if (Date.now() >= options.deadlineMs) throw new TransientTimeoutError(options.what, { cause: err });
      options.log.warn({ err, what: options.what, attempt }, 'service unavailable; retrying');
      await sleep(Math.max(100, backoffDelayMs(attempt, { baseMs: 500, maxMs: 10_000 })));
    }
  }
}
