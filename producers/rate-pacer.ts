import type { Clock } from '../pipeline/runtime/clock.js';

/**
 * Holds a producer to at most `ratePerSecond` events per second on average, measured on the
 * monotonic clock from the first event; `null` means no limit.
 */
export class RatePacer {
  private startMs: number | null = null;
  private sent = 0;

  constructor(
    private readonly ratePerSecond: number | null,
    private readonly clock: Clock,
  ) {}

  /** Largest batch worth sending at once (about 100 ms of events, at least 1). */
  batchLimit(fallback: number): number {
    return this.ratePerSecond === null ? fallback : Math.max(1, Math.min(fallback, Math.floor(this.ratePerSecond / 10)));
  }

  /** Waits until `count` more events may go out. */
  async take(count: number): Promise<void> {
    if (this.ratePerSecond === null) return;
    this.startMs ??= this.clock.monotonicMs();
    const dueMs = this.startMs + (this.sent * 1000) / this.ratePerSecond;
    this.sent += count;
    const waitMs = dueMs - this.clock.monotonicMs();
    if (waitMs > 0) await new Promise<void>((resolve) => this.clock.setTimer(waitMs, resolve));
  }
}
