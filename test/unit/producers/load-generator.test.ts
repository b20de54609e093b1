import { beforeAll, describe, expect, it } from 'vitest';
import { names } from '../../../pipeline/contracts/names.js';
import { createLogger } from '../../../pipeline/runtime/index.js';
import { FakeClock } from '../../../pipeline/runtime/testing/index.js';
import { EventPublisher, type OutgoingRecord, type RecordSink } from '../../../producers/event-publisher.js';
import { generateLoad, loadTemplates, type TransactionTemplates } from '../../../producers/load-generator.js';
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

// Read before the fake clock runs: `settle` drives timers, not file reads.
let templates: TransactionTemplates;
beforeAll(async () => {
  templates = await loadTemplates(SAMPLE_DIR);
});

describe('generateLoad', () => {
  it('publishes every transaction once, keeping a batch in flight on each lane', async () => {
    const clock = new FakeClock();
    const log = createLogger({ name: 'test', level: 'silent' });
    const metrics = new ProducerMetrics();
    // 2,000 a second for 2 s: 5 batches of 800 (0.4 s each).
    const slow = new SlowSinks(3, 5);
    const publishers = slow.sinks.map((sink) => new EventPublisher({ sink, names: n, component: 'loadgen', clock, log, metrics }));
    const stats = await clock.settle(generateLoad({ templates, publishers, clock, log, rate: 2_000, durationSeconds: 2, seed: 7 }));
    expect(stats.published).toBe(4_000);
    expect(slow.records).toHaveLength(4_000);
    expect(new Set(slow.records.map((r) => r.key)).size).toBe(4_000);
    expect(slow.mostInFlight).toBe(3);
  });

  it('sends no batch after a send fails, and throws the failure', async () => {
    const clock = new FakeClock();
    const log = createLogger({ name: 'test', level: 'silent' });
    const metrics = new ProducerMetrics();
    let sends = 0;
    const failing: RecordSink = {
      send: async () => {
        sends++;
        throw new Error('broker gone');
      },
    };
    const working: RecordSink = {
      send: async () => {
        sends++;
      },
    };
    const publishers = [failing, working, working].map((sink) => new EventPublisher({ sink, names: n, component: 'loadgen', clock, log, metrics }));
    const run = generateLoad({ templates, publishers, clock, log, rate: 2_000, durationSeconds: 2, seed: 7 });
    await expect(clock.settle(run)).rejects.toThrow('broker gone');
    // The first lane's batch is due at once and fails; the others' were due later and never went.
    expect(sends).toBe(1);
  });
});
