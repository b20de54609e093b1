import type { Logger } from 'pino';
import { retryTransient as retry, ServiceUnavailableError } from '../pipeline/clients/transient-retry.js';

/** A transient failure that lasted past the deadline (the operations' `ServiceUnavailableError`). */
export { ServiceUnavailableError as TransientTimeoutError };

/** Options of `retryTransient` in the audit's form. */
export interface RetryTransientOptions {
  /** What is being done, for the log and the timeout error (e.g. `end offsets of btc.blocks`). */
  what: string;
  /** Epoch ms after which a transient failure becomes a `TransientTimeoutError`. */
  deadlineMs: number;
  log: Logger;
}

/**
 * `retryTransient` of pipeline/clients/transient-retry.ts with an absolute deadline, each retry logged once
 * with the error under `err`.
 */
export function retryTransient<T>(action: () => Promise<T>, options: RetryTransientOptions): Promise<T> {
  return retry(options.what, action, {
    deadlineMs: Math.max(0, options.deadlineMs - Date.now()),
    onRetry: ({ err, attempt }) => options.log.warn({ err, what: options.what, attempt }, 'service unavailable; retrying'),
  });
}
