import { runtimeConnections } from '../../../pipeline/clients/runtime-connections.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boltTasks, tasksOwnedBy } from '../../../pipeline/runtime/task-assignment.js';
import { keyedSumTopology } from '../../../pipeline/runtime/testing/sample/keyed-sum-topology.js';
import { countedRecords, SampleRun, sampleRecords } from './helpers/sample-run.js';
import { waitFor } from './helpers/wait-for.js';

describe('sample topology, scaling from 2 to 3 workers mid-stream', () => {
  const run = new SampleRun({ MAX_SPOUT_PENDING: '300' });
  const { records, sums } = sampleRecords(10_000, 60);

  beforeAll(async () => {
    await run.setup(6);
  });
  afterAll(async () => {
    await run.cleanup();
  });

  it('e. all three workers execute tuples and the fields-grouped result is exact', { timeout: 330_000 }, async () => {
    // Worker ids are free; pick a third one that the task assignment gives a share of the bolt tasks.
    const tasks = boltTasks(
      keyedSumTopology({
        runtime: run.config.runtime,
        connections: runtimeConnections(run.config),
        topology: run.topology,
        topic: run.topic,
        deadLetterTopic: run.deadLetterTopic,
        sinkPrefix: run.sinkPrefix,
      }),
    );
    let third = 'w3';
    for (let i = 0; tasksOwnedBy(third, ['w1', 'w2', third], tasks).length < 2; i += 1) third = `w3-${i}`;

    await run.startWorker('w1');
    await run.startWorker('w2');
    await run.produce(records);
    await waitFor('a fifth of the records counted', async () => countedRecords(await run.sink()) >= records.length / 5, 120_000);
    expect(countedRecords(await run.sink())).toBeLessThan(records.length);
    await run.startWorker(third);

    await run.expectSinkMatchesTopic({ records, sums }, { timeoutMs: 240_000 });

    const metrics = await run.metrics();
    expect(metrics.unreachable).toEqual([]);
    for (const id of ['w1', 'w2', third]) {
      const executed = (metrics.components.parse?.byWorker[id]?.executed ?? 0) + (metrics.components.sum?.byWorker[id]?.executed ?? 0);
      expect(executed, `bolt tuples executed by ${id}`).toBeGreaterThan(0);
    }
    expect(Object.keys(metrics.components.sum?.byWorker ?? {}).sort()).toEqual(['w1', 'w2', third].sort());
  });
});
