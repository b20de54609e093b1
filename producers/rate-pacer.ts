import type { Clock } from '../pipeline/runtime/index.js';

/**
 * How far behind its schedule a pacer may fall and still catch up. After a longer stall (a broker
 * electing leaders for a fresh topic, a big block to decode) the schedule restarts from now: the
 * events lost to the stall are not sent in a burst above the rate.
 */
export const MAX_CATCH_UP_MS = 100;

/**
 * Holds a producer to at most `ratePerSecond` events per second, measured on the monotonic clock;
 * `null` means no limit. Each batch gets its slot on a schedule; a batch late by up to
 * `MAX_CATCH_UP_MS` goes at once, a later one restarts the schedule, so no window of a second
 * holds much more than the rate.
 */
export class RatePacer {
  private nextDueMs: number | null = null;

  constructor(
    private readonly ratePerSecond: number | null,
    private readonly clock: Clock,
  ) {}

  /** Largest batch worth sending at once: about `windowMs` of events (default 100), at least 1, at most `fallback`. */
  batchLimit(fallback: number, windowMs = 100): number {
    return this.ratePerSecond === null ? fallback : Math.max(1, Math.min(fallback, Math.floor((this.ratePerSecond * windowMs) / 1000)));
  }

  /** Waits until `count` more events may go out. */
  async take(count: number): Promise<void> {
    if (this.ratePerSecond === null) return;
    const now = this.clock.monotonicMs();
    const due = this.nextDueMs === null ? now : Math.max(this.nextDueMs, now - MAX_CATCH_UP_MS);
    this.nextDueMs = due + (count * 1000) / this.ratePerSecond;
    const waitMs = due - now;
    if (waitMs > 0) await new Promise<void>((resolve) => this.clock.setTimer(waitMs, resolve));
  }
}
