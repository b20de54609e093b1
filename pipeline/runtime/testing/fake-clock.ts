import type { Clock } from '../clock.js';

/** A clock that only moves when told to (virtual time for tests). */
export class FakeClock implements Clock {
  private now: number;
  private mono = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  monotonicMs(): number {
    return this.mono;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const id = (this.seq += 1);
    this.timers.set(id, { at: this.mono + Math.max(0, ms), fn });
    return () => this.timers.delete(id);
  }

  /** Moves time forward by `ms`, firing due timers in time order (timers they set included). */
  advance(ms: number): void {
    const end = this.mono + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.now += next[1].at - this.mono;
      this.mono = next[1].at;
      next[1].fn();
    }
    this.now += end - this.mono;
    this.mono = end;
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.size;
  }
}
