import { waitUntil } from '../../stack/wait-until.js';

/** Options of `waitFor`. */
export interface WaitForOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** Pause between checks (default 200 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
}

/**
 * The project's poller (`waitUntil`) with the tests' defaults: resolves with the first truthy
 * value of `condition`; a check that throws counts as "not yet" (a broker may be restarting).
 * Tests wait with this, never with fixed sleeps.
 */
export function waitFor<T>(condition: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  return waitUntil(async () => (await condition()) || null, {
    timeoutMs: options.timeoutMs ?? 30_000,
    intervalMs: options.intervalMs ?? 200,
    what: options.what ?? 'condition',
  }) as Promise<NonNullable<T>>;
}
