import { setTimeout as sleep } from 'node:timers/promises';

/** Options of `waitUntil`. */
export interface WaitUntilOptions {
  timeoutMs: number;
  /** Pause between checks (default 250 ms). */
  intervalMs?: number;
  /** Says what was awaited, for the timeout error. */
  what?: string;
  /**
   * Which errors of the check count as "not yet" (default: every error, e.g. a service that is
   * still starting). An error it refuses is thrown at once: a wrong request never waits out the
   * deadline.
   */
  retryIf?: (err: unknown) => boolean;
  /** Told about each error of the check that counts as "not yet", with the number of that check. */
  onRetry?: (err: unknown, attempt: number) => void;
}

/** The awaited condition did not hold in time; `lastError` is the last failure of the check. */
export class WaitTimeoutError extends Error {
  readonly what: string;
  readonly timeoutMs: number;
  readonly attempts: number;

  constructor(what: string, timeoutMs: number, attempts: number, lastError: unknown) {
    super(
      `timed out after ${timeoutMs} ms (${attempts} checks) waiting for ${what}${lastError instanceof Error ? `; last error: ${lastError.message}` : ''}`,
      lastError === undefined ? undefined : { cause: lastError },
    );
    this.name = 'WaitTimeoutError';
    this.what = what;
    this.timeoutMs = timeoutMs;
    this.attempts = attempts;
  }
}

/**
 * Polls `check` until it returns a value other than false/undefined/null and returns that value.
 * A check that throws an error `retryIf` accepts counts as "not yet"; its last error becomes the
 * timeout error's cause. The one poller of the project: the stack, the commands and the tests
 * wait with it.
 */
export async function waitUntil<T>(check: () => T | Promise<T>, options: WaitUntilOptions): Promise<Exclude<T, false | undefined | null>> {
  const deadline = performance.now() + options.timeoutMs;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const value = await check();
      if (value !== false && value !== undefined && value !== null) return value as Exclude<T, false | undefined | null>;
    } catch (err) {
      if (options.retryIf && !options.retryIf(err)) throw err;
      lastError = err;
      options.onRetry?.(err, attempts);
    }
    if (performance.now() >= deadline) throw new WaitTimeoutError(options.what ?? 'a condition', options.timeoutMs, attempts, lastError);
    await sleep(options.intervalMs ?? 250);
  }
}

/**
 * Polls `read` until it returns an empty list or `timeoutMs` has passed; returns the last list
 * read (empty: the wait succeeded). For "wait for these to go, else name what is left".
 */
export async function waitUntilEmpty<T>(read: () => Promise<readonly T[]>, options: Omit<WaitUntilOptions, 'retryIf'>): Promise<readonly T[]> {
  let last: readonly T[] = [];
  try {
    await waitUntil(
      async () => {
        last = await read();
        return last.length === 0;
      },
      { ...options, retryIf: () => false },
    );
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
  }
  return last;
}
