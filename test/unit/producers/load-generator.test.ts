import { describe, expect, it } from 'vitest';
import { names } from '../../../pipeline/contracts/names.js';
import { createLogger } from '../../../pipeline/runtime/index.js';
import { FakeClock } from '../../../pipeline/runtime/testing/index.js';
import { EventPublisher, type OutgoingRecord, type RecordSink } from '../../../producers/event-publisher.js';
import { Lanes } from '../../../producers/lanes.js';
import { generateLoad } from '../../../producers/load-generator.js';
import { ProducerMetrics } from '../../../producers/producer-metrics.js';
import { SAMPLE_DIR } from './recorded-data.js';

const n = names('unit');

/**
 * Sinks whose sends stay in flight, as slow broker round trips would, until every lane has one in
 * flight (or the last batch has gone out); then they all complete.
 */
class SlowSinks {
  readonly sinks: RecordSink[];
  readonly records: OutgoingRecord[] = [];
  mostInFlight = 0;
  private sends = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(lanes: number, lastSend: number) {
    this.sinks = Array.from({ length: lanes }, () => ({
      send: async (_topic: string, records: readonly OutgoingRecord[]) => {
        this.sends++;
        const released = new Promise<void>((resolve) => this.waiting.push(resolve));
        this.mostInFlight = Math.max(this.mostInFlight, this.waiting.length);
        if (this.waiting.length === lanes || this.sends === lastSend) for (const resolve of this.waiting.splice(0)) resolve();
        await released;
        this.records.push(...records);
      },
    }));
  }
}

describe('Lanes', () => {
  it('keeps one piece of work in flight per lane and runs all of it', async () => {
    const lanes = new Lanes(['a', 'b']);
    const gates: { lane: string; open: () => void }[] = [];
    const done: number[] = [];
    const dispatched: number[] = [];
    const dispatching = (async () => {
      for (let i = 0; i < 5; i++) {
        await lanes.dispatch(async (lane) => {
          await new Promise<void>((open) => gates.push({ lane, open }));
          done.push(i);
        });
        dispatched.push(i);
      }
    })();
    await new Promise((resolve) => setImmediate(resolve));
    // Two lanes: the third piece waits for one of the first two.
    expect(dispatched).toEqual([0, 1]);
    expect(gates.map((g) => g.lane)).toEqual(['a', 'b']);
    gates[1]?.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(dispatched).toEqual([0, 1, 2]);
    expect(gates[2]?.lane).toBe('b');
    for (let k = 0; k < 10 && done.length < 5; k++) {
      for (const gate of gates) gate.open();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await dispatching;
    await lanes.drain();
    expect(done.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('throws the first failure from the next dispatch and from drain, starting no more work', async () => {
    const lanes = new Lanes([1, 2]);
    await lanes.dispatch(async () => {
      throw new Error('broker gone');
    });
    let started = false;
    await expect(
      lanes.dispatch(async () => {
        started = true;
      }),
    ).rejects.toThrow('broker gone');
    await expect(lanes.drain()).rejects.toThrow('broker gone');
    expect(started).toBe(false);
  });
});

describe('generateLoad', () => {
  it('publishes every transaction once, keeping a batch in flight on each lane', async () => {
    const clock = new FakeClock();
    const log = createLogger({ name: 'test', level: 'silent' });
    const metrics = new ProducerMetrics();
    // 2,000 a second for 2 s: 20 batches of 200 (a tenth of a second each).
    const slow = new SlowSinks(3, 20);
    const publishers = slow.sinks.map((sink) => new EventPublisher({ sink, names: n, component: 'loadgen', clock, log, metrics }));
    const stats = await clock.settle(generateLoad({ dir: SAMPLE_DIR, publishers, clock, log, rate: 2_000, durationSeconds: 2, seed: 7 }));
    expect(stats.published).toBe(4_000);
    expect(slow.records).toHaveLength(4_000);
    expect(new Set(slow.records.map((r) => r.key)).size).toBe(4_000);
    expect(slow.mostInFlight).toBe(3);
  });
});
