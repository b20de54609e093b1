import { describe, expect, it } from 'vitest';
import { MAX_CATCH_UP_MS, RatePacer } from '../../../producers/rate-pacer.js';
import { FakeClock } from '../../../pipeline/runtime/testing/index.js';

/** Takes `batches` batches of `size`, spending `workMs(i)` of (virtual) time after each; returns the send times. */
async function run(rate: number, size: number, batches: number, workMs: (i: number) => number): Promise<{ clock: FakeClock; sentAt: number[] }> {
  const clock = new FakeClock(0);
  const pacer = new RatePacer(rate, clock);
  const sentAt: number[] = [];
  for (let i = 0; i < batches; i++) {
    await clock.settle(pacer.take(size));
    for (let k = 0; k < size; k++) sentAt.push(clock.monotonicMs());
    clock.advance(workMs(i));
  }
  return { clock, sentAt };
}

/** Most events sent in any window of `windowMs`. */
function busiestWindow(sentAt: readonly number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < sentAt.length; i++) {
    while ((sentAt[i] as number) - (sentAt[j] as number) >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('RatePacer', () => {
  it('sends batches on schedule: N events take N / rate seconds', async () => {
    const { sentAt } = await run(200, 20, 50, () => 5);
    expect(sentAt.at(-1)).toBe(49 * 100);
    expect(busiestWindow(sentAt, 1_000)).toBe(200);
  });

  it('catches up a short delay at once, keeping the average', async () => {
    const { sentAt } = await run(200, 20, 50, (i) => (i === 10 ? 100 + MAX_CATCH_UP_MS : 5));
    expect(sentAt.at(-1)).toBe(49 * 100);
  });

  it('after a long stall restarts the schedule instead of bursting above the rate', async () => {
    const { sentAt } = await run(200, 20, 60, (i) => (i === 10 ? 3_000 : 5));
    // One batch of catch-up at most in any second.
    expect(busiestWindow(sentAt, 1_000)).toBeLessThanOrEqual(200 + 20);
    const afterStall = sentAt.filter((t) => t > 1_000 + 3_000);
    expect(busiestWindow(afterStall, 1_000)).toBeLessThanOrEqual(220);
  });

  it('never waits without a rate', async () => {
    const clock = new FakeClock(0);
    const pacer = new RatePacer(null, clock);
    for (let i = 0; i < 5; i++) await pacer.take(1_000);
    expect(clock.delays).toEqual([]);
    expect(pacer.batchLimit(1_000)).toBe(1_000);
  });

  it('sizes batches to about 100 ms of events', () => {
    const clock = new FakeClock(0);
    expect(new RatePacer(200, clock).batchLimit(1_000)).toBe(20);
    expect(new RatePacer(5, clock).batchLimit(1_000)).toBe(1);
    expect(new RatePacer(50_000, clock).batchLimit(1_000)).toBe(1_000);
  });

  it('sizes batches to another window when told', () => {
    const clock = new FakeClock(0);
    expect(new RatePacer(5_000, clock).batchLimit(2_000, 400)).toBe(2_000);
    expect(new RatePacer(2_000, clock).batchLimit(2_000, 400)).toBe(800);
    expect(new RatePacer(5, clock).batchLimit(2_000, 400)).toBe(2);
  });
});
