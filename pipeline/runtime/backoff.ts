/** Bounds of the replay delay. */
export interface BackoffOptions {
  /** Delay ceiling of the first replay, in ms; doubles per attempt. */
  baseMs: number;
  /** Largest delay, in ms. */
  maxMs: number;
}

/**
 * Delay before replay number `failedAttempts` (1 after the first failure): exponential backoff with
 * full jitter, uniform in [0, min(maxMs, baseMs * 2^(failedAttempts-1))].
 */
export function backoffDelayMs(failedAttempts: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
