import type { Clock } from '../../../pipeline/runtime/clock.js';

/** A clock the test moves by hand; timers fire when `advance` passes them. */
export class FakeClock implements Clock {
  private wall: number;
  private mono = 0;
  private timers: { at: number; fn: () => void }[] = [];
  /** The duration of every timer set, in order. */
  readonly delays: number[] = [];

  constructor(wallMs: number) {
    this.wall = wallMs;
  }

  nowMs(): number {
    return this.wall;
  }

  monotonicMs(): number {
    return this.mono;
  }

  setTimer(ms: number, fn: () => void): () => void {
    this.delays.push(ms);
    const timer = { at: this.mono + ms, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Sets the wall clock (it may jump backwards); monotonic time is untouched. */
  setWall(ms: number): void {
    this.wall = ms;
  }

  /** Moves both clocks forward and fires due timers. */
  advance(ms: number): void {
    this.mono += ms;
    this.wall += ms;
    const due = this.timers.filter((t) => t.at <= this.mono);
    this.timers = this.timers.filter((t) => t.at > this.mono);
    for (const t of due) t.fn();
  }

  /** Milliseconds until the next timer is due, or null when none is set. */
  nextDueMs(): number | null {
    if (this.timers.length === 0) return null;
    return Math.max(0, Math.min(...this.timers.map((t) => t.at)) - this.mono);
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

  /** Timers not fired yet. */
  pending(): number {
    return this.timers.length;
  }
}
