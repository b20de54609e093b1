import type { Clock } from '../../../pipeline/runtime/clock.js';

/** A clock the test moves by hand; timers fire when `advance` passes them. */
export class FakeClock implements Clock {
  private wall: number;
  private mono = 0;
  private timers: { at: number; fn: () => void }[] = [];

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

  /** Timers not fired yet. */
  pending(): number {
    return this.timers.length;
  }
}
