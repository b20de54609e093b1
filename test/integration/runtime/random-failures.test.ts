import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SampleRun, sampleRecords } from './helpers/sample-run.js';
import { waitFor } from './helpers/wait-for.js';

describe('sample topology, a bolt failing 30% of its executions', () => {
  // Enough attempts that no record exhausts them by chance (0.3^30).
  const run = new SampleRun({ MAX_ATTEMPTS: '30', BACKOFF_BASE_MS: '50', BACKOFF_MAX_MS: '500' }, { failRate: 0.3 });
  const { records, sums } = sampleRecords(3000, 30);

  beforeAll(async () => {
    await run.setup(4);
  });
  afterAll(async () => {
    await run.cleanup();
  });

  it('c. processes every record exactly once in the result', { timeout: 330_000 }, async () => {
    await run.produce(records);
    await run.startWorker('w1');
    await run.startWorker('w2');
    await run.expectSinkMatchesTopic({ records, sums }, { timeoutMs: 240_000 });
    const metrics = await run.metrics();
    expect(metrics.components.parse?.totals.failed ?? 0).toBeGreaterThan(records.length * 0.2);
    expect(metrics.components.records?.totals.replayed ?? 0).toBeGreaterThan(0);
    expect(metrics.components.records?.totals.deadLettered).toBe(0);
    await waitFor('offsets committed', async () => (await run.offsets()).every((o) => o.committed === o.high), 60_000);
  });
});
