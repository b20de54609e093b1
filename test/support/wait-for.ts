import { setTimeout as sleep } from 'node:timers/promises';

/** Options of `waitFor`. */
export interface WaitForOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** Pause between checks (default 200 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
}

/** The condition of `waitFor` did not hold in time; the last failure of the check is the cause. */
export class WaitForTimeoutError extends Error {
  readonly what: string;
  readonly timeoutMs: number;
  readonly attempts: number;

  constructor(what: string, timeoutMs: number, attempts: number, lastError: unknown) {
    super(`waitFor timed out after ${timeoutMs} ms (${attempts} attempts): ${what}`, lastError === undefined ? undefined : { cause: lastError });
    this.name = 'WaitForTimeoutError';
    this.what = what;
    this.timeoutMs = timeoutMs;
    this.attempts = attempts;
  }
}

/**
 * Polls `condition` until it returns a truthy value and resolves with that value. A check that
 * throws counts as "not yet" (a broker may be restarting); the last error is kept as the cause
 * of the timeout. Tests wait with this, never with fixed sleeps.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = performance.now() + timeoutMs;
  let attempts = 0;
  let lastError: unknown;
  for (;;) {
    attempts += 1;
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (performance.now() >= deadline) throw new WaitForTimeoutError(options.what ?? 'condition', timeoutMs, attempts, lastError);
    await sleep(options.intervalMs ?? 200);
  }
}
