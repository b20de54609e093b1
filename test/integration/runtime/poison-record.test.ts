import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterSchema } from '../../../pipeline/runtime/index.js';
import { countedRecords, SampleRun } from './helpers/sample-run.js';
import { waitFor } from './helpers/wait-for.js';

describe('sample topology, records that can never be processed', () => {
  const run = new SampleRun({ MAX_ATTEMPTS: '3', BACKOFF_BASE_MS: '50', BACKOFF_MAX_MS: '200' });

  beforeAll(async () => {
    await run.setup(2);
  });
  afterAll(async () => {
    await run.cleanup();
  });

  it('d. dead-letters them with reason and attempts, and processes the records after them', async () => {
    const good = (from: number) => Array.from({ length: 50 }, (_, i) => ({ key: `k${(from + i) % 5}`, amount: from + i }));
    // All in partition 0, in this order: 50 good, one that always fails, one that is not JSON, 50 good.
    await run.produce(good(0), 0);
    await run.produce([{ key: 'k0', amount: 1_000_000, poison: true }], 0);
    await run.produce(['{not json'], 0);
    await run.produce(good(50), 0);
    await run.startWorker('w1');

    await waitFor('the 100 good records counted', async () => countedRecords(await run.sink()) >= 100, 120_000);
    const letters = (await run.deadLetters(2)).map((l) => DeadLetterSchema.parse(l));
    const poison = letters.find((l) => l.origin.offset === '50');
    const garbage = letters.find((l) => l.origin.offset === '51');
    expect(poison).toMatchObject({
      origin: { topic: run.topic, partition: 0, offset: '50', key: 'k0' },
      reason: 'failed 3 attempts',
      error: { name: 'RetriableError', message: 'poison record always fails', retriable: true },
      component: 'parse',
      attempts: 3,
      value_encoding: 'utf8',
    });
    expect(JSON.parse(poison?.value ?? 'null')).toEqual({ key: 'k0', amount: 1_000_000, poison: true });
    expect(garbage).toMatchObject({
      origin: { partition: 0, offset: '51' },
      reason: 'record cannot be decoded',
      error: { name: 'SchemaError', retriable: false },
      component: 'records',
      attempts: 1,
      value: '{not json',
    });

    const sink = await run.sink();
    const expected: Record<string, number> = {};
    for (const r of [...good(0), ...good(50)]) expected[r.key] = (expected[r.key] ?? 0) + r.amount;
    expect(sink.sums).toEqual(expected);
    // The partition moved on past both: its committed offset is its end.
    await waitFor(
      'partition 0 committed to its end',
      async () => {
        const p0 = (await run.offsets()).find((o) => o.partition === 0);
        return p0 !== undefined && p0.committed === p0.high && p0.high === '102';
      },
      30_000,
    );
    const metrics = await run.metrics();
    expect(metrics.components.records?.totals.deadLettered).toBe(2);
  });
});
