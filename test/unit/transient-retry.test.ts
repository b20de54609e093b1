import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryTransient, ServiceUnavailableError } from '../../pipeline/clients/transient-retry.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9200'), { code: 'ECONNREFUSED' });

/** An action that fails with `failures` errors in turn, then answers `ok`. */
function flaky(failures: Error[]) {
  let calls = 0;
  const action = async () => {
    calls += 1;
    const err = failures[calls - 1];
    if (err !== undefined) throw err;
    return 'ok';
  };
  return { action, calls: () => calls };
}

describe('retryTransient', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const clock = { monotonicMs: () => Date.now() };

  it('retries a transient error with pauses that double from the first, then returns the answer', async () => {
    const { action, calls } = flaky([refused(), refused()]);
    const delays: number[] = [];
    const result = retryTransient('ES', action, { ...clock, initialDelayMs: 100, onRetry: (r) => delays.push(r.delayMs) });
    await vi.advanceTimersByTimeAsync(99);
    expect(calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1 + 200);
    await expect(result).resolves.toBe('ok');
    expect(calls()).toBe(3);
    expect(delays).toEqual([100, 200]);
  });

  it('never pauses longer than 10 s', async () => {
    const { action } = flaky(Array.from({ length: 8 }, refused));
    const delays: number[] = [];
    const result = retryTransient('ES', action, { ...clock, deadlineMs: 600_000, initialDelayMs: 2_000, onRetry: (r) => delays.push(r.delayMs) });
    await vi.advanceTimersByTimeAsync(120_000);
    await expect(result).resolves.toBe('ok');
    expect(delays).toEqual([2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
  });

  it('gives up when the next pause would pass the deadline, with a ServiceUnavailableError naming what it waited for', async () => {
    const last = refused();
    const { action, calls } = flaky([refused(), refused(), last]);
    const result = retryTransient('partitions of t', action, { ...clock, deadlineMs: 1_000, initialDelayMs: 300 }).catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(300 + 600);
    const err = await result;
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err).toMatchObject({ what: 'partitions of t', waitedMs: 900, retriable: true, cause: last });
    expect(calls()).toBe(3);
  });

  it('throws an error that is not transient at once', async () => {
    const wrong = new Error('mapper_parsing_exception');
    const { action, calls } = flaky([wrong]);
    await expect(retryTransient('ES', action, clock)).rejects.toBe(wrong);
    expect(calls()).toBe(1);
  });
});
