import { describe, expect, it } from 'vitest';
import { type FlowSample, firstSign } from '../../../ops/fault/flow-monitor.js';

const FAULT_MS = 100_000;

/** A healthy sample at `atMs` with this lag and committed count. */
function sample(atMs: number, lag: number, committed: number): FlowSample {
  return {
    atMs,
    lag,
    committed,
    committedTransactions: committed,
    publishedTransactions: committed + lag,
    dirtyAggregates: 0,
    deadLetters: 0,
    workerRestarts: 0,
    workersDown: 0,
    brokers: 3,
    esStatus: 'green',
    redisUp: true,
  };
}

/** One sample a second from `fromS` to `toS` (seconds after the fault), each from `at(second)`. */
function seconds(fromS: number, toS: number, at: (s: number) => [lag: number, committed: number]): FlowSample[] {
  const out: FlowSample[] = [];
  for (let s = fromS; s <= toS; s += 1) out.push(sample(FAULT_MS + s * 1_000, ...at(s)));
  return out;
}

describe('firstSign (fault scenarios: time to detect)', () => {
  it('reports records waiting while nothing is committed for 10 s', () => {
    const samples = [sample(FAULT_MS - 1_000, 0, 50), ...seconds(0, 15, () => [3, 50])];
    expect(firstSign(samples, FAULT_MS)).toEqual({ afterMs: 10_000, sign: 'processing stalled 10 s with lag 3' });
  });

  it('does not take a pause of the producers for a stall when records arrive after it', () => {
    // Nothing published for 14 s (lag 0, nothing to commit), then new records that the
    // pipeline commits within a second or two: the clock scenario while its producers restart.
    const samples = [sample(FAULT_MS - 1_000, 1, 50), ...seconds(0, 13, () => [0, 51]), ...seconds(14, 20, (s) => [2, 51 + (s - 14) * 2])];
    expect(firstSign(samples, FAULT_MS)).toBeNull();
  });

  it('still reports a stall that begins after a pause', () => {
    const samples = [sample(FAULT_MS - 1_000, 0, 50), ...seconds(0, 13, () => [0, 50]), ...seconds(14, 30, () => [4, 50])];
    // Counted from the last sample with nothing waiting (13 s): at most a sample early.
    expect(firstSign(samples, FAULT_MS)).toEqual({ afterMs: 23_000, sign: 'processing stalled 10 s with lag 4' });
  });

  it('reports a change of the services before a stall', () => {
    const samples = [sample(FAULT_MS - 1_000, 0, 50), { ...sample(FAULT_MS + 2_000, 5, 50), esStatus: 'unreachable' }];
    expect(firstSign(samples, FAULT_MS)).toEqual({ afterMs: 2_000, sign: 'Elasticsearch unreachable' });
  });
});
