import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NonRetriableError } from '../../../pipeline/runtime/errors.js';
import { defineStream } from '../../../pipeline/runtime/stream.js';
import { TopologyBuilder } from '../../../pipeline/runtime/topology-builder.js';
import { TupleFailedError } from '../../../pipeline/runtime/tuple-failure.js';
import { TICK_STREAM, type BatchBolt, type Tuple } from '../../../pipeline/runtime/types.js';
import { FeederSpout } from '../../../pipeline/runtime/testing/feeder-spout.js';
import { LocalCluster } from '../../../pipeline/runtime/testing/local-cluster.js';
import { HoldingBolt } from '../../support/holding-bolt.js';

const replay = { maxAttempts: 3, backoff: { baseMs: 100, maxMs: 1000 }, random: () => 0.5 };
/** The spout's and the batch bolt's stream (one stream, two emitters). */
const NUMBERS = defineStream('numbers', z.object({ n: z.number().int() }));

/**
 * spout -> double (a batch bolt: emits `n * 2` per input, anchored to it) -> hold (a rich bolt
 * that keeps its inputs until the test acks them). `behave` decides per call what the batch does.
 */
async function batchTopology(
  options: { behave?: (call: number, tuples: readonly Tuple[]) => 'ok' | 'throw' | 'fail-odd'; tickIntervalMs?: number; treeBatchSize?: number } = {},
) {
  const feeder = new FeederSpout(NUMBERS, { replay });
  const batches: { stream: string; ids: string[] }[][] = [];
  const hold = new HoldingBolt();
  const held = hold.held;
  const b = new TopologyBuilder('batches');
  b.setSpout('s', () => feeder, { outputs: [NUMBERS] });
  b.setBatchBolt(
    'double',
    (): BatchBolt => ({
      executeBatch: (tuples, collector) => {
        batches.push(tuples.map((t) => ({ stream: t.stream, ids: t.origins.map((o) => o.messageId) })));
        const behaviour = options.behave?.(batches.length, tuples) ?? 'ok';
        for (const t of tuples) {
          if (t.stream === TICK_STREAM) continue;
          const { n } = NUMBERS.of(t);
          if (behaviour === 'fail-odd' && n % 2 === 1) collector.fail(t, new NonRetriableError('odd'));
          else collector.emit(NUMBERS, { n: n * 2 }, { anchor: t });
        }
        if (behaviour === 'throw') throw new Error('state store unreachable');
      },
    }),
    { outputs: [NUMBERS], ...(options.tickIntervalMs ? { tickIntervalMs: options.tickIntervalMs } : {}) },
  ).shuffleGrouping('s');
  b.setBolt('hold', () => hold).shuffleGrouping('double');
  const cluster = new LocalCluster({ batchSize: 4, ...(options.treeBatchSize ? { treeBatchSize: options.treeBatchSize } : {}) });
  await cluster.submit(b.build());
  const ackHeld = async () => {
    hold.ack();
    await cluster.settle();
  };
  return { feeder, cluster, batches, held, ackHeld };
}

const feed = (feeder: FeederSpout<{ n: number }>, count: number) => {
  for (let i = 0; i < count; i += 1) feeder.feed({ n: i }, `m${i}`);
};

describe('batch bolts', () => {
  it('receive a transport batch whole, and each input is tracked alone: acked on resolve, its tree complete once its own child is acked', async () => {
    // One tree per record (the spout's batch trees are tested in batch-trees.test.ts): this is about the bolt.
    const { feeder, cluster, batches, held, ackHeld } = await batchTopology({ treeBatchSize: 1 });
    feed(feeder, 8);
    await cluster.settle();
    expect(batches.map((batch) => batch.map((t) => t.ids[0]))).toEqual([
      ['m0', 'm1', 'm2', 'm3'],
      ['m4', 'm5', 'm6', 'm7'],
    ]);
    // Each child descends from its own input only (anchoring unchanged).
    expect(held.map((t) => [t.origins.map((o) => o.messageId), NUMBERS.of(t).n])).toEqual(Array.from({ length: 8 }, (_, i) => [[`m${i}`], i * 2]));
    expect(feeder.tracker.acked).toEqual([]);
    const [first] = held.splice(0, 1) as [Tuple];
    await ackHeld();
    expect([...feeder.tracker.acked].sort()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
    held.push(first);
    await ackHeld();
    expect(feeder.tracker.acked).toContain('m0');
    expect(cluster.acker.size).toBe(0);
    const double = (await cluster.metricsSnapshot())?.components.double?.['0'];
    expect(double).toMatchObject({ executed: 8, acked: 8, failed: 0, emitted: 8 });
    expect(double?.executeLatency.count).toBe(8);
    await cluster.shutdown();
  });

  it('fail every input of the batch when executeBatch throws (even those whose children were emitted), and the batch replays', async () => {
    const { feeder, cluster, batches, ackHeld } = await batchTopology({ behave: (call) => (call === 1 ? 'throw' : 'ok') });
    feed(feeder, 3);
    await cluster.settle();
    expect(feeder.tracker.failed.map((f) => f.messageId).sort()).toEqual(['m0', 'm1', 'm2']);
    for (const f of feeder.tracker.failed) expect(f.reason).toMatchObject({ component: 'double', errorName: 'Error', retriable: true });
    expect(feeder.tracker.failed[0]?.reason).toBeInstanceOf(TupleFailedError);
    expect((await cluster.metricsSnapshot())?.components.double?.['0']).toMatchObject({ executed: 3, failed: 3, acked: 0 });
    // The children emitted before the throw belong to failed trees: acking them completes nothing.
    await ackHeld();
    expect(feeder.tracker.acked).toEqual([]);
    await cluster.advance(50);
    expect(batches).toHaveLength(2);
    expect(batches[1]?.map((t) => t.ids[0])).toEqual(['m0', 'm1', 'm2']);
    await ackHeld();
    expect([...feeder.tracker.acked].sort()).toEqual(['m0', 'm1', 'm2']);
    expect(feeder.tracker.emitted.filter((e) => e.attempt === 2)).toHaveLength(3);
    await cluster.shutdown();
  });

  it('fail one input alone with collector.fail: a non-retriable error dead-letters only that record, the rest of the batch is acked', async () => {
    const { feeder, cluster, ackHeld } = await batchTopology({ behave: () => 'fail-odd', treeBatchSize: 1 });
    feed(feeder, 4);
    await cluster.settle();
    await ackHeld();
    expect([...feeder.tracker.acked].sort()).toEqual(['m0', 'm2']);
    expect(feeder.tracker.deadLettered.map((d) => d.messageId).sort()).toEqual(['m1', 'm3']);
    expect(feeder.tracker.emitted).toHaveLength(4);
    await cluster.shutdown();
  });

  it('receive a tick as a batch of one', async () => {
    const { cluster, batches } = await batchTopology({ tickIntervalMs: 1000 });
    await cluster.advance(1000);
    expect(batches).toEqual([[{ stream: TICK_STREAM, ids: [] }]]);
    await cluster.shutdown();
  });
});
