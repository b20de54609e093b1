import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NonRetriableError, RetriableError } from '../../../pipeline/runtime/errors.js';
import { defineStream } from '../../../pipeline/runtime/stream.js';
import { TreeAbortedError, TupleFailedError, TupleTimeoutError } from '../../../pipeline/runtime/tuple-failure.js';
import { FeederSpout, type FeederSpoutOptions } from '../../../pipeline/runtime/testing/feeder-spout.js';
import { checkHoldTopology } from '../../support/check-hold-topology.js';

const NUMBERS = defineStream('numbers', z.object({ n: z.number().int() }));
const backoff = { baseMs: 100, maxMs: 1000 };
/**
 * Replay delays are random (full jitter) and may be 0, which replays a message at once, before the
 * test moves the clock: the tests take the middle of each backoff window instead.
 */
const random = () => 0.5;

/**
 * spout -> check (a basic bolt: `verdict(n, attempt)` decides what it does with each input) ->
 * hold (keeps its inputs until the test acks them). Each message emits one tuple per bolt.
 */
async function topology(options: {
  verdict?: (n: number, attempt: number) => 'ok' | 'bad' | 'unavailable';
  treeBatchSize?: number;
  replay?: FeederSpoutOptions['replay'];
  messageTimeoutMs?: number;
}) {
  const feeder = new FeederSpout(NUMBERS, { replay: options.replay ?? { maxAttempts: null, backoff, random } });
  const executions: string[] = [];
  const harness = await checkHoldTopology(
    'batch-trees',
    feeder,
    NUMBERS,
    (t, collector) => {
      const { n } = NUMBERS.of(t);
      const attempt = t.origins[0]?.attempt ?? 0;
      executions.push(`m${n}#${attempt}`);
      const verdict = options.verdict?.(n, attempt) ?? 'ok';
      if (verdict === 'bad') throw new NonRetriableError('not a number we take');
      if (verdict === 'unavailable') throw new RetriableError('state store unreachable');
      collector.emit(NUMBERS, { n });
    },
    {
      ...(options.treeBatchSize ? { treeBatchSize: options.treeBatchSize } : {}),
      ...(options.messageTimeoutMs ? { messageTimeoutMs: options.messageTimeoutMs } : {}),
    },
  );
  return { feeder, executions, ...harness };
}

describe('batch trees (Trident-style tracking with the spout API)', () => {
  it('track the first deliveries of one nextTuple call as one tree: no message is acked before every tuple of the tree is', async () => {
    const { feeder, cluster, held, ack, feed } = await topology({});
    feed(5);
    await cluster.settle();
    expect(held).toHaveLength(5);
    expect(cluster.acker.size).toBe(1);
    expect(cluster.pending).toBe(5);
    await ack(4);
    expect(feeder.tracker.acked).toEqual([]);
    await ack();
    expect([...feeder.tracker.acked].sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(cluster.acker.size).toBe(0);
    expect(cluster.pending).toBe(0);
    const spout = (await cluster.metricsSnapshot())?.components.s?.['0'];
    expect(spout).toMatchObject({ emitted: 5, acked: 5, failed: 0 });
    expect(spout?.completeLatency.count).toBe(5);
    await cluster.shutdown();
  });

  it('hold at most treeBatchSize messages per tree (1: a tree per message, as in Storm)', async () => {
    for (const [treeBatchSize, trees] of [
      [2, 3],
      [1, 5],
    ] as const) {
      const { cluster, ack, feed } = await topology({ treeBatchSize });
      feed(5);
      await cluster.settle();
      expect(cluster.acker.size, `treeBatchSize ${treeBatchSize}`).toBe(trees);
      await ack();
      expect(cluster.acker.size).toBe(0);
      await cluster.shutdown();
    }
  });

  it('dead-letter only the message a non-retriable failure descends from; the others replay at once, alone, and are acked, even with a cap of one attempt', async () => {
    const { feeder, cluster, executions, ack, feed } = await topology({
      verdict: (n) => (n === 2 ? 'bad' : 'ok'),
      replay: { maxAttempts: 1, backoff },
    });
    feed(4);
    await cluster.settle();
    expect(feeder.tracker.deadLettered).toMatchObject([{ messageId: 'm2', reason: 'non-retriable error', attempts: 1 }]);
    expect(feeder.tracker.deadLettered[0]?.error).toBeInstanceOf(TupleFailedError);
    const siblings = feeder.tracker.failed.filter((f) => f.messageId !== 'm2');
    expect(siblings.map((f) => f.messageId).sort()).toEqual(['m0', 'm1', 'm3']);
    for (const f of siblings) {
      expect(f.reason).toBeInstanceOf(TreeAbortedError);
      expect(f.reason).toMatchObject({ retriable: true, failure: { component: 'check', retriable: false, messageIds: ['m2'] } });
    }
    // Replayed without waiting for a backoff, each in a tree of its own.
    expect(
      feeder.tracker.emitted
        .filter((e) => e.attempt === 2)
        .map((e) => e.messageId)
        .sort(),
    ).toEqual(['m0', 'm1', 'm3']);
    expect(cluster.acker.size).toBe(3);
    await ack();
    expect([...feeder.tracker.acked].sort()).toEqual(['m0', 'm1', 'm3']);
    // At least once: a sibling's bolts ran for both deliveries (sinks must be idempotent).
    expect(executions.filter((e) => e.startsWith('m0#'))).toEqual(['m0#1', 'm0#2']);
    expect(cluster.acker.size).toBe(0);
    await cluster.shutdown();
  });

  it('replay a second bad message of the tree alone, then dead-letter it: every bad record is found, every good one acked', async () => {
    const { feeder, cluster, ack, feed } = await topology({ verdict: (n) => (n % 2 === 1 ? 'bad' : 'ok') });
    feed(6);
    await cluster.settle();
    await ack();
    expect(feeder.tracker.deadLettered.map((d) => d.messageId).sort()).toEqual(['m1', 'm3', 'm5']);
    expect([...feeder.tracker.acked].sort()).toEqual(['m0', 'm2', 'm4']);
    expect(cluster.acker.size).toBe(0);
    await cluster.shutdown();
  });

  it('fail every message of the tree with a retriable failure; they replay after the backoff, each in a tree of its own', async () => {
    const { feeder, cluster, held, ack, feed } = await topology({ verdict: (n, attempt) => (n === 1 && attempt === 1 ? 'unavailable' : 'ok') });
    feed(3);
    await cluster.settle();
    expect(feeder.tracker.failed.map((f) => f.messageId).sort()).toEqual(['m0', 'm1', 'm2']);
    for (const f of feeder.tracker.failed) {
      expect(f.reason).toBeInstanceOf(TupleFailedError);
      expect(f.reason).toMatchObject({ retriable: true, errorName: RetriableError.name });
    }
    expect(feeder.tracker.deadLettered).toEqual([]);
    // The tuples of the failed tree that were executed belong to no tree any more.
    await ack();
    await cluster.advance(backoff.maxMs);
    expect(feeder.tracker.emitted.filter((e) => e.attempt === 2)).toHaveLength(3);
    expect(held).toHaveLength(3);
    expect(cluster.acker.size).toBe(3);
    await ack();
    expect([...feeder.tracker.acked].sort()).toEqual(['m0', 'm1', 'm2']);
    await cluster.shutdown();
  });

  it('fail every message of a tree that times out', async () => {
    const { feeder, cluster, feed } = await topology({ messageTimeoutMs: 1_000, replay: { maxAttempts: 1, backoff } });
    feed(3);
    await cluster.settle();
    await cluster.advance(1_000);
    expect(feeder.tracker.failed.map((f) => f.messageId).sort()).toEqual(['m0', 'm1', 'm2']);
    for (const f of feeder.tracker.failed) expect(f.reason).toBeInstanceOf(TupleTimeoutError);
    expect(feeder.tracker.deadLettered.map((d) => d.messageId).sort()).toEqual(['m0', 'm1', 'm2']);
    expect(cluster.pending).toBe(0);
    await cluster.shutdown();
  });
});
