import type { Clock } from '../clock.js';

/** A clock that only moves when told to (virtual time for tests). */
export class FakeClock implements Clock {
  private now: number;
  private mono = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  /** The duration of every timer set, in order. */
  readonly delays: number[] = [];

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
    this.delays.push(ms);
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

  /** Sets the wall clock (it may jump backwards); monotonic time is untouched. */
  setWall(ms: number): void {
    this.now = ms;
  }

  /** Milliseconds until the next timer is due, or null when none is set. */
  nextDueMs(): number | null {
    let at: number | null = null;
    for (const t of this.timers.values()) if (at === null || t.at < at) at = t.at;
    return at === null ? null : Math.max(0, at - this.mono);
  }

  /**
   * Settles `promise`, firing each timer it waits on as soon as it is set (virtual time: a retry
   * after 30 s takes no real time).
   */
  async settle<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    promise.then(
      () => (done = true),
      () => (done = true),
    );
    for (let turns = 0; !done && turns < 10_000; turns++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const due = this.nextDueMs();
      if (!done && due !== null) this.advance(due);
    }
    return promise;
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.size;
  }
}
