import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BoltExecutor } from '../../../pipeline/runtime/bolt-executor.js';
import { QueueBackpressure } from '../../../pipeline/runtime/queue-backpressure.js';
import { SpoutExecutor } from '../../../pipeline/runtime/spout-executor.js';
import { defineStream } from '../../../pipeline/runtime/stream.js';
import { FeederSpout } from '../../../pipeline/runtime/testing/feeder-spout.js';
import { TopologyBuilder } from '../../../pipeline/runtime/topology-builder.js';
import type { Topology } from '../../../pipeline/runtime/topology-definition.js';
import { newTupleId } from '../../../pipeline/runtime/tuple-id.js';
import type { WireTuple } from '../../../pipeline/runtime/wire-tuple.js';
import { testExecutorEnv } from './helpers/executor-env.js';

const N = defineStream('n', z.object({ n: z.number().int() }));
const HIGH_WATER = 10;

/** spout `s` -> bolt `up` -> bolt `down`, and `s` -> `side`; `up` records what it executes. */
function pipeline(executed: number[]): { topology: Topology; feeder: FeederSpout<{ n: number }> } {
  const feeder = new FeederSpout(N);
  const b = new TopologyBuilder('bp');
  b.setSpout('s', () => feeder, { outputs: [N] });
  b.setBasicBolt(
    'up',
    () => ({
      execute: (t, out) => {
        const { n } = N.of(t);
        executed.push(n);
        out.emit(N, { n });
      },
    }),
    { outputs: [N] },
  ).shuffleGrouping('s');
  b.setBasicBolt('down', () => ({ execute: () => undefined })).shuffleGrouping('up');
  b.setBasicBolt('side', () => ({ execute: () => undefined })).shuffleGrouping('s');
  return { topology: b.build(), feeder };
}

const inputs = (...ns: number[]): WireTuple[] =>
  ns.map((n) => ({
    id: newTupleId(),
    stream: N.id,
    src: 's',
    srcTask: 0,
    values: { n },
    origins: [{ messageId: `m${n}`, attempt: 1 }],
    roots: [newTupleId()],
  }));

/** Lets every pending promise callback run. */
const drainMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('QueueBackpressure', () => {
  const { topology } = pipeline([]);

  it('blocks what emits to a bolt from its high water until half of it is left', () => {
    const bp = new QueueBackpressure(topology, HIGH_WATER);
    bp.hold('down', HIGH_WATER - 1);
    expect(bp.blocked('up')).toBe(false);
    bp.hold('down', 1);
    expect([bp.blocked('up'), bp.active, bp.queuedTuples]).toEqual([true, true, HIGH_WATER]);
    // Only the components that emit to `down`: the spout emits to `up` and `side`, `down` to nothing.
    expect([bp.blocked('s'), bp.blocked('down'), bp.blocked('side')]).toEqual([false, false, false]);
    bp.release('down', HIGH_WATER / 2 - 1);
    expect(bp.blocked('up')).toBe(true);
    bp.release('down', 1);
    expect([bp.blocked('up'), bp.active, bp.queuedTuples]).toEqual([false, false, HIGH_WATER / 2]);
  });

  it('wakes its waiters once, when a full bolt clears', () => {
    const bp = new QueueBackpressure(topology, HIGH_WATER);
    let woken = 0;
    bp.hold('up', HIGH_WATER);
    bp.onClear(() => {
      woken += 1;
    });
    bp.release('up', 1);
    expect(woken).toBe(0);
    bp.release('up', HIGH_WATER / 2 - 1);
    expect(woken).toBe(1);
    bp.hold('up', HIGH_WATER);
    bp.release('up', HIGH_WATER);
    expect(woken).toBe(1);
  });
});

/** A started executor of task 0 of `up`, under `bp`. */
async function upExecutor(topology: Topology, bp: QueueBackpressure): Promise<BoltExecutor> {
  const up = topology.bolts.get('up');
  if (!up) throw new Error('no bolt');
  const executor = new BoltExecutor(testExecutorEnv(topology, { backpressure: bp }), up, 0);
  await executor.start();
  return executor;
}

describe('executors under backpressure', () => {
  it('a bolt executes nothing while a bolt it emits to is full, and resumes when it clears', async () => {
    const executed: number[] = [];
    const { topology } = pipeline(executed);
    const bp = new QueueBackpressure(topology, HIGH_WATER);
    const executor = await upExecutor(topology, bp);

    bp.hold('down', HIGH_WATER);
    const running = executor.executeBatch(inputs(1, 2, 3));
    await drainMicrotasks();
    expect(executed).toEqual([]);

    bp.release('down', HIGH_WATER);
    await running;
    expect(executed).toEqual([1, 2, 3]);
    await executor.stop();
  });

  it('a bolt waiting for room stops at once when its task stops', async () => {
    const executed: number[] = [];
    const { topology } = pipeline(executed);
    const bp = new QueueBackpressure(topology, HIGH_WATER);
    const executor = await upExecutor(topology, bp);

    bp.hold('down', HIGH_WATER);
    const running = executor.executeBatch(inputs(1, 2));
    await drainMicrotasks();
    await executor.stop();
    // The batch ends (its inputs fail and replay on the task's next owner) though `down` is still full.
    await running;
    expect(bp.blocked('up')).toBe(true);
    expect(executed).toEqual([]);
  });

  it('a spout emits nothing while a bolt it emits to is full', async () => {
    const { topology, feeder } = pipeline([]);
    const bp = new QueueBackpressure(topology, HIGH_WATER);
    const s = topology.spouts.get('s');
    if (!s) throw new Error('no spout');
    const spout = new SpoutExecutor(testExecutorEnv(topology, { backpressure: bp }), s, 0, 1);
    await spout.open();
    feeder.feed({ n: 1 }, 'm1');

    bp.hold('side', HIGH_WATER);
    expect(await spout.step()).toBe(0);
    expect(spout.pendingCount).toBe(0);

    bp.release('side', HIGH_WATER);
    expect(await spout.step()).toBe(1);
    expect(spout.pendingCount).toBe(1);
  });
});
