import { setTimeout as sleep } from 'node:timers/promises';

/** Options of `waitUntil`. */
export interface WaitUntilOptions {
  timeoutMs: number;
  /** Pause between checks (default 250 ms). */
  intervalMs?: number;
  /** Says what was awaited, for the timeout error. */
  what?: string;
}

/** The awaited condition did not hold in time; `lastError` is the last failure of the check. */
export class WaitTimeoutError extends Error {
  readonly what: string;
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number, lastError: unknown) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}`, lastError === undefined ? undefined : { cause: lastError });
    this.name = 'WaitTimeoutError';
    this.what = what;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Polls `check` until it returns a value other than false/undefined/null and returns that value.
 * A check that throws counts as "not yet"; its last error becomes the timeout error's cause.
 */
export async function waitUntil<T>(
  check: () => T | Promise<T>,
  options: WaitUntilOptions,
): Promise<Exclude<T, false | undefined | null>> {
  const deadline = performance.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== false && value !== undefined && value !== null) return value as Exclude<T, false | undefined | null>;
    } catch (err) {
      lastError = err;
    }
    if (performance.now() >= deadline) throw new WaitTimeoutError(options.what ?? 'a condition', options.timeoutMs, lastError);
    await sleep(options.intervalMs ?? 250);
  }
}
