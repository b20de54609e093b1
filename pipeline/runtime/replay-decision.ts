import { backoffDelayMs, type BackoffOptions } from './backoff.js';
import { isRetriable, TreeAbortedError } from './tuple-failure.js';

/** What a spout does with a failed message. */
export type ReplayDecision = { action: 'replay'; delayMs: number; nextAttempt: number } | { action: 'dead-letter'; reason: string };

/**
 * Decides between a replay (with exponential backoff and full jitter) and the dead-letter topic:
 * dead-letter at once when the error is not retriable, or when `attempt` reached `maxAttempts`.
 * With `maxAttempts` null (the default of the runtime, as Storm's Kafka spout retries forever) a
 * retriable failure always replays: it means the record is valid and a service is not there yet.
 * A `TreeAbortedError` (another record of the batch tree was bad) replays at once and is never
 * dead-lettered for it, cap or not: nothing says this record is bad.
 */
export function decideOnFailure(options: {
  /** The attempt that failed (1 = first delivery). */
  attempt: number;
  /** Attempts before a retriable failure is dead-lettered; null: never. */
  maxAttempts: number | null;
  error: unknown;
  backoff: BackoffOptions;
  random?: () => number;
}): ReplayDecision {
  // Another record of its batch tree failed: this one replays at once, never dead-lettered for it. The
  // replay is a new delivery (attempt + 1, so it gets a tree of its own), and counts as one under a cap.
  if (options.error instanceof TreeAbortedError) return { action: 'replay', delayMs: 0, nextAttempt: options.attempt + 1 };
  if (!isRetriable(options.error)) return { action: 'dead-letter', reason: 'non-retriable error' };
  if (options.maxAttempts !== null && options.attempt >= options.maxAttempts) return { action: 'dead-letter', reason: `failed ${options.attempt} attempts` };
  return { action: 'replay', delayMs: backoffDelayMs(options.attempt, options.backoff, options.random), nextAttempt: options.attempt + 1 };
}
