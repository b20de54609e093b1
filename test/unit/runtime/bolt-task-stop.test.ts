import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BoltExecutor } from '../../../pipeline/runtime/bolt-executor.js';
import { defineStream } from '../../../pipeline/runtime/stream.js';
import { FakeClock } from '../../../pipeline/runtime/testing/fake-clock.js';
import { FeederSpout } from '../../../pipeline/runtime/testing/feeder-spout.js';
import { TopologyBuilder } from '../../../pipeline/runtime/topology-builder.js';
import { newTupleId } from '../../../pipeline/runtime/tuple-id.js';
import type { OutputCollector, Tuple } from '../../../pipeline/runtime/types.js';
import type { WireTuple } from '../../../pipeline/runtime/wire-tuple.js';
import { testExecutorEnv } from './helpers/executor-env.js';

const DOCS = defineStream('docs', z.object({ n: z.number().int() }));

/**
 * A bolt task stopped (moved to another worker) while a batch of its inputs is executing: the
 * inputs whose turn comes after the stop must fail (they replay on the new owner), never sit in a
 * bolt that already cleaned up. A CI run saw the trees of 120 price records time out after a task
 * of the bulk-index bolt moved while two workers joined.
 */
describe('bolt task stopped during a batch', () => {
  it('fails the inputs that had not run yet, so every tree completes or fails and none waits for its timeout', async () => {
    const clock = new FakeClock();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let collector: OutputCollector | undefined;
    const buffered: Tuple[] = [];
    const b = new TopologyBuilder('stop');
    b.setSpout('s', () => new FeederSpout(DOCS), { outputs: [DOCS] });
    // Like the bulk-index bolt: buffers its inputs, writes (acks) them in cleanup.
    b.setBolt('bulk', () => ({
      prepare: (_context, c) => {
        collector = c;
      },
      execute: async (t: Tuple) => {
        buffered.push(t);
        if (buffered.length === 1) {
          entered();
          await gate;
        }
      },
      cleanup: async () => {
        for (const t of buffered.splice(0)) collector?.ack(t);
      },
    })).shuffleGrouping('s');
    const topology = b.build();
    const env = testExecutorEnv(topology, { clock });
    const acker = env.acker;
    const bulk = topology.bolts.get('bulk');
    if (!bulk) throw new Error('no bolt');
    const executor = new BoltExecutor(env, bulk, 0);
    await executor.start();

    const inputs: WireTuple[] = [1, 2, 3].map((n) => {
      const id = newTupleId();
      return { id, stream: DOCS.id, src: 's', srcTask: 0, values: { n }, origins: [{ messageId: `m${n}`, attempt: 1 }], roots: [newTupleId()] };
    });
    await acker.init(inputs.map((t) => ({ root: t.roots[0] as string, owner: 'w1', xor: t.id })));

    const executing = executor.executeBatch(inputs);
    await inside;
    // The first input is inside the bolt; the task moves away now.
    const stopping = executor.stop();
    release();
    await Promise.all([executing, stopping]);
    await env.acks.flush();

    const done = await acker.takeCompletions('w1', 10);
    expect(done.map((d) => d.root).sort()).toEqual(inputs.map((t) => t.roots[0]).sort());
    expect(done.filter((d) => d.ok).map((d) => d.root)).toEqual([inputs[0]?.roots[0]]);
    for (const d of done.filter((c) => !c.ok)) expect(d.failure?.retriable).toBe(true);
    expect(buffered).toEqual([]);
  });
});
