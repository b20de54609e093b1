import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countedRecords, SampleRun, sampleRecords } from './helpers/sample-run.js';
import { waitFor } from './helpers/wait-for.js';

const TIMEOUT_MS = 8_000;
const BACKOFF_MAX_MS = 1_000;
const WORKER_TTL_MS = 3_000;
const MAX_PENDING = 500;

describe('sample topology, a worker killed with SIGKILL mid-stream', () => {
  const run = new SampleRun({
    MESSAGE_TIMEOUT_MS: String(TIMEOUT_MS),
    BACKOFF_MAX_MS: String(BACKOFF_MAX_MS),
    WORKER_TTL_MS: String(WORKER_TTL_MS),
    MAX_SPOUT_PENDING: String(MAX_PENDING),
  });
  const { records, sums } = sampleRecords(8000, 50);

  beforeAll(async () => {
    await run.setup(6);
  });
  afterAll(async () => {
    await run.cleanup();
  });

  it('b. loses nothing and counts nothing twice; lost tuples replay within timeout plus backoff', { timeout: 330_000 }, async () => {
    await run.startWorker('w1');
    await run.startWorker('w2');
    // The first half flows while the group settles; the second half is produced only once the sum
    // bolt is stalled, so w1's partitions surely hold more than max spout pending when it stalls
    // (a fast w1 could otherwise finish its share of a single batch before the stall).
    const half = records.length / 2;
    await run.produce(records.slice(0, half));
    await waitFor('a quarter of the records counted', async () => countedRecords(await run.sink()) >= records.length / 4, 120_000);
    // Kill w2 only once it does work (it hosts bolt tasks and spout partitions after the group's rebalance).
    await waitFor('w2 emitting', async () => ((await run.metrics()).components.records?.byWorker.w2?.emitted ?? 0) > 0, 60_000);
    // Make sure w2 holds tuples of w1's trees when it dies: stall the sum bolt until w1 is at max
    // spout pending (its trees' tuples then sit in every sum task, w2's included), kill, resume.
    // Without this, a fast w1 may have nothing in flight at the kill, and nothing to replay.
    await run.stall(true);
    await run.produce(records.slice(half));
    await waitFor('w1 at max spout pending', async () => ((await run.metrics()).components.records?.byWorker.w1?.pending ?? 0) >= MAX_PENDING, 60_000);
    const killedAt = Date.now();
    await run.signal('w2', 'SIGKILL');
    await run.stall(false);

    await run.expectSinkMatchesTopic({ records, sums }, { timeoutMs: 240_000 });
    const sink = await run.sink();

    // Records whose counted write came from a replay (attempt >= 2) after the kill were replayed in
    // time: tuples stranded in the dead worker time out (message timeout, measured from emission,
    // which can be up to one worker TTL after the kill while w1 still routes to w2's tasks), then
    // wait at most the largest backoff. The allowance covers processing on a loaded machine.
    const replayedAfterKill = Object.values(sink.seen)
      .map((v) => v.split(':').map(Number) as [number, number])
      .filter(([attempt, at]) => attempt >= 2 && at > killedAt);
    expect(replayedAfterKill.length).toBeGreaterThan(0);
    const latest = Math.max(...replayedAfterKill.map(([, at]) => at - killedAt));
    expect(latest).toBeLessThanOrEqual(TIMEOUT_MS + BACKOFF_MAX_MS + WORKER_TTL_MS + 10_000);

    const after = await run.metrics();
    expect(after.components.records?.byWorker.w1?.replayed ?? 0).toBeGreaterThan(0);
    await waitFor('offsets committed', async () => (await run.offsets()).every((o) => o.committed === o.high), 60_000);
  });
});
