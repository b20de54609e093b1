import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countedRecords, SampleRun, sampleRecords } from './helpers/sample-run.js';
import { waitFor } from './helpers/wait-for.js';

const MAX_PENDING = 50;

describe('sample topology, a stalled downstream bolt', () => {
  // A long timeout: the stall must not turn into replays.
  const run = new SampleRun({ MAX_SPOUT_PENDING: String(MAX_PENDING), MESSAGE_TIMEOUT_MS: '120000' });
  const { records, sums } = sampleRecords(1000, 10);

  beforeAll(async () => {
    await run.setup(2);
  });
  afterAll(async () => {
    await run.cleanup();
  });

  it('f. keeps pending at most max spout pending, pauses Kafka, and resumes by itself', async () => {
    await run.stall(true);
    await run.produce(records);
    await run.startWorker('w1');

    const seenPending: number[] = [];
    const sample = async () => {
      const m = await run.metrics();
      const spout = m.components.records;
      if (spout) seenPending.push(spout.totals.pending);
      return spout;
    };
    const stalled = await waitFor(
      'spout at max pending and paused',
      async () => {
        const spout = await sample();
        return spout && spout.totals.pending === MAX_PENDING && spout.pausedTasks === 1 ? spout : undefined;
      },
      60_000,
      100,
    );
    // Nothing beyond max pending was emitted while nothing completes.
    expect(stalled?.totals.emitted).toBe(MAX_PENDING);
    expect(countedRecords(await run.sink())).toBe(0);
    const lagging = await run.offsets();
    expect(lagging.every((o) => o.committed === '-1' || BigInt(o.committed) < BigInt(o.high))).toBe(true);

    await run.stall(false);
    await run.expectSinkMatchesTopic({ records, sums }, { timeoutMs: 120_000, intervalMs: 100, onPoll: sample });
    await waitFor(
      'fetching resumed and offsets committed',
      async () => {
        const spout = await sample();
        const offsets = await run.offsets();
        return spout?.pausedTasks === 0 && offsets.every((o) => o.committed === o.high);
      },
      60_000,
    );
    expect(Math.max(...seenPending)).toBeLessThanOrEqual(MAX_PENDING);
    const metrics = await run.metrics();
    expect(metrics.components.records?.totals.failed).toBe(0);
  });
});

const MAX_QUEUED = 100;
const SUM_TASKS = 4;
const BATCH = 10;

describe('sample topology, a stalled downstream bolt while trees time out and replay', () => {
  // Trees time out within a second and replay for ever (no dead letters): without backpressure each
  // replay queues one more copy of its records in front of the stalled `sum`, in the worker's memory.
  const run = new SampleRun({
    MAX_SPOUT_PENDING: String(MAX_PENDING),
    MESSAGE_TIMEOUT_MS: '1000',
    MAX_ATTEMPTS: '0',
    MAX_QUEUED_TUPLES: String(MAX_QUEUED),
    TRANSPORT_BATCH_SIZE: String(BATCH),
  });
  const { records, sums } = sampleRecords(1000, 10);

  beforeAll(async () => {
    await run.setup(2);
  });
  afterAll(async () => {
    await run.cleanup();
  });

  it('g. keeps the tuples queued in the worker bounded, then ends with every record counted once', async () => {
    await run.stall(true);
    await run.produce(records);
    await run.startWorker('w1');

    let maxQueued = 0;
    let sawBackpressure = false;
    const sample = async () => {
      const m = await run.metrics();
      for (const w of m.workers) {
        maxQueued = Math.max(maxQueued, w.queuedTuples);
        sawBackpressure ||= w.backpressure;
      }
      return m;
    };
    // Stalled for 20 s: about 20 timeouts of every pending tree.
    const stalledUntil = Date.now() + 20_000;
    let timedOut = 0;
    while (Date.now() < stalledUntil) {
      const m = await sample();
      timedOut = m.components.records?.totals.failed ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(timedOut).toBeGreaterThanOrEqual(MAX_PENDING);
    expect(sawBackpressure).toBe(true);
    // `parse` and `sum` each hold at most the high water, plus what a turn of their upstream had
    // emitted when it saw them full: up to a transport batch per target task.
    expect(maxQueued).toBeGreaterThanOrEqual(MAX_QUEUED);
    expect(maxQueued).toBeLessThanOrEqual(2 * MAX_QUEUED + 2 * BATCH * SUM_TASKS);

    await run.stall(false);
    await run.expectSinkMatchesTopic({ records, sums }, { timeoutMs: 120_000, intervalMs: 100, onPoll: sample });
    const metrics = await run.metrics();
    expect(metrics.components.records?.totals.deadLettered).toBe(0);
  });
});
