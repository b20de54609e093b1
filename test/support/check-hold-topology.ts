import type { BasicBolt, Stream } from '../../pipeline/runtime/index.js';
import { TopologyBuilder } from '../../pipeline/runtime/index.js';
import { type FeederSpout, LocalCluster, type LocalClusterOptions } from '../../pipeline/runtime/testing/index.js';
import { HoldingBolt } from './holding-bolt.js';

/** What a test of message tracking drives: the cluster, the held tuples of the last bolt, and how to ack and feed. */
export interface CheckHoldTopology {
  cluster: LocalCluster;
  /** Tuples the `hold` bolt received and the test has not acked yet. */
  held: HoldingBolt['held'];
  /** Acks the first `count` held tuples (default: all) and waits until the cluster settles. */
  ack(count?: number): Promise<void>;
  /** Feeds `{ n: i }` as message `m<i>` for i from 0 to `count - 1`. */
  feed(count: number): void;
}

/**
 * spout (the feeder, emitting `stream`) -> check (a basic bolt whose `execute` the test gives,
 * emitting `stream` too) -> hold (keeps its inputs until the test acks them), in a `LocalCluster`.
 */
export async function checkHoldTopology(
  name: string,
  feeder: FeederSpout<{ n: number }>,
  stream: Stream,
  execute: BasicBolt['execute'],
  clusterOptions: LocalClusterOptions = {},
): Promise<CheckHoldTopology> {
  const hold = new HoldingBolt();
  const b = new TopologyBuilder(name);
  b.setSpout('s', () => feeder, { outputs: [stream] });
  b.setBasicBolt('check', () => ({ execute }), { outputs: [stream] }).shuffleGrouping('s');
  b.setBolt('hold', () => hold).shuffleGrouping('check');
  const cluster = new LocalCluster(clusterOptions);
  await cluster.submit(b.build());
  return {
    cluster,
    held: hold.held,
    ack: async (count = hold.held.length) => {
      hold.ack(count);
      await cluster.settle();
    },
    feed: (count) => {
      for (let i = 0; i < count; i += 1) feeder.feed({ n: i }, `m${i}`);
    },
  };
}
