import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SampleRun, sampleRecords } from './helpers/sample-run.js';
import { waitFor } from './helpers/wait-for.js';

describe('sample topology, normal run', () => {
  const run = new SampleRun();
  const { records, sums } = sampleRecords(3000, 40);

  beforeAll(async () => {
    await run.setup(6);
  });
  afterAll(async () => {
    await run.cleanup();
  });

  it('a. computes the exact keyed sums and commits every offset', async () => {
    await run.produce(records);
    await run.startWorker('w1');
    await run.startWorker('w2');
    await run.expectSinkMatchesTopic({ records, sums }, { timeoutMs: 120_000 });
    // Every partition's committed offset reaches its end.
    await waitFor('offsets committed', async () => (await run.offsets()).every((o) => o.committed === o.high), 30_000);
    const metrics = await run.metrics();
    expect(metrics.unreachable).toEqual([]);
    expect(metrics.components.records?.totals.acked).toBeGreaterThanOrEqual(records.length);
    expect(metrics.components.sum?.totals.executed).toBeGreaterThanOrEqual(records.length);
    expect(metrics.components.records?.totals.deadLettered).toBe(0);
  });

  it('drains on SIGTERM and exits 0', async () => {
    for (const id of ['w1', 'w2']) {
      const code = await run.signal(id, 'SIGTERM');
      expect(code, run.output(id)).toBe(0);
    }
  });
});
