import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NonRetriableError, RetriableError } from '../../../pipeline/runtime/errors.js';
import type { BatchRecord } from '../../../pipeline/runtime/kafka-record-stream.js';
import { defineStream } from '../../../pipeline/runtime/stream.js';
import { TreeAbortedError, TupleFailedError } from '../../../pipeline/runtime/tuple-failure.js';
import { FeederSpout } from '../../../pipeline/runtime/testing/feeder-spout.js';
import { checkHoldTopology } from '../../support/check-hold-topology.js';

const NUMBERS = defineStream('numbers', z.object({ n: z.number().int() }));
const NUMBER_BATCHES = defineStream('number-batches', z.object({ items: z.array(z.object({ messageId: z.string(), n: z.number().int() })) }));
const join = (records: readonly BatchRecord[]) => ({ items: records.map((r) => ({ messageId: r.messageId, n: (r.values as { n: number }).n })) });
const backoff = { baseMs: 100, maxMs: 1000 };
/** The middle of each backoff window (full jitter may give 0, a replay before the test moves the clock). */
const random = () => 0.5;

/**
 * spout (record batches: the first deliveries of one `nextTuple` call in one tuple) -> check (a
 * basic bolt: `verdict(n, attempt)` decides what it does with each item of its input batch) ->
 * hold (keeps its inputs until the test acks them).
 */
async function topology(options: { verdict?: (n: number, attempt: number) => 'ok' | 'bad' | 'unavailable' | 'bad-batch' } = {}) {
  const feeder = new FeederSpout(NUMBERS, { replay: { maxAttempts: null, backoff, random }, batches: { stream: NUMBER_BATCHES, join } });
  const harness = await checkHoldTopology('record-batches', feeder, NUMBER_BATCHES, (t, collector) => {
    const { items } = NUMBER_BATCHES.of(t);
    for (const { messageId, n } of items) {
      const attempt = t.origins.find((o) => o.messageId === messageId)?.attempt ?? 0;
      const verdict = options.verdict?.(n, attempt) ?? 'ok';
      if (verdict === 'bad') throw new NonRetriableError(`${n} is not a number we take`, { messageIds: [messageId] });
      if (verdict === 'bad-batch') throw new NonRetriableError('the whole batch is bad');
      if (verdict === 'unavailable') throw new RetriableError('state store unreachable');
    }
    collector.emit(NUMBER_BATCHES, { items });
  });
  return { feeder, ...harness };
}

describe('record batches (one tuple, one tree for the records of one nextTuple call)', () => {
  it('carry every first delivery in one tuple rooted at all of them; each message is acked once the tuple tree completes', async () => {
    const { feeder, cluster, held, ack, feed } = await topology();
    feed(5);
    await cluster.settle();
    expect(held).toHaveLength(1);
    expect(held[0]?.origins.map((o) => o.messageId)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(NUMBER_BATCHES.of(held[0] as NonNullable<(typeof held)[0]>).items.map((i) => i.n)).toEqual([0, 1, 2, 3, 4]);
    expect(cluster.acker.size).toBe(1);
    expect(cluster.pending).toBe(5);
    expect(feeder.tracker.acked).toEqual([]);
    await ack();
    expect([...feeder.tracker.acked].sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(cluster.acker.size).toBe(0);
    expect(cluster.pending).toBe(0);
    const spout = (await cluster.metricsSnapshot())?.components.s?.['0'];
    expect(spout).toMatchObject({ emitted: 1, acked: 5, failed: 0 });
    await cluster.shutdown();
  });

  it('dead-letter only the record a non-retriable error names; the others replay at once, each alone, and are acked', async () => {
    const { feeder, cluster, held, ack, feed } = await topology({ verdict: (n) => (n === 2 ? 'bad' : 'ok') });
    feed(4);
    await cluster.settle();
    expect(feeder.tracker.deadLettered).toMatchObject([{ messageId: 'm2', reason: 'non-retriable error', attempts: 1 }]);
    expect(feeder.tracker.deadLettered[0]?.error).toBeInstanceOf(TupleFailedError);
    const siblings = feeder.tracker.failed.filter((f) => f.messageId !== 'm2');
    expect(siblings.map((f) => f.messageId).sort()).toEqual(['m0', 'm1', 'm3']);
    for (const f of siblings) expect(f.reason).toBeInstanceOf(TreeAbortedError);
    expect(held.map((t) => t.origins.map((o) => `${o.messageId}#${o.attempt}`))).toEqual([['m0#2'], ['m1#2'], ['m3#2']]);
    await ack();
    expect([...feeder.tracker.acked].sort()).toEqual(['m0', 'm1', 'm3']);
    expect(cluster.acker.size).toBe(0);
    await cluster.shutdown();
  });

  it('find every bad record of a batch, each dead-lettered with its own reason, and ack every good one', async () => {
    const { feeder, cluster, ack, feed } = await topology({ verdict: (n) => (n % 2 === 1 ? 'bad' : 'ok') });
    feed(6);
    await cluster.settle();
    await ack();
    const letters = feeder.tracker.deadLettered.map((d) => [d.messageId, (d.error as TupleFailedError).errorMessage]).sort();
    expect(letters).toEqual([
      ['m1', '1 is not a number we take'],
      ['m3', '3 is not a number we take'],
      ['m5', '5 is not a number we take'],
    ]);
    expect([...feeder.tracker.acked].sort()).toEqual(['m0', 'm2', 'm4']);
    expect(cluster.pending).toBe(0);
    await cluster.shutdown();
  });

  it('dead-letter every record of the batch when the error names none of them', async () => {
    const { feeder, cluster, feed } = await topology({ verdict: (n) => (n === 0 ? 'bad-batch' : 'ok') });
    feed(3);
    await cluster.settle();
    expect(feeder.tracker.deadLettered.map((d) => d.messageId).sort()).toEqual(['m0', 'm1', 'm2']);
    expect(feeder.tracker.acked).toEqual([]);
    await cluster.shutdown();
  });

  it('replay every record of the batch after a retriable failure, never dead-lettered', async () => {
    const { feeder, cluster, held, ack, feed } = await topology({ verdict: (n, attempt) => (n === 1 && attempt === 1 ? 'unavailable' : 'ok') });
    feed(3);
    await cluster.settle();
    expect(feeder.tracker.failed.map((f) => f.messageId).sort()).toEqual(['m0', 'm1', 'm2']);
    for (const f of feeder.tracker.failed) expect(f.reason).toMatchObject({ retriable: true, errorName: RetriableError.name });
    await cluster.advance(backoff.maxMs);
    expect(held.map((t) => t.origins.length)).toEqual([1, 1, 1]);
    await ack();
    expect([...feeder.tracker.acked].sort()).toEqual(['m0', 'm1', 'm2']);
    expect(feeder.tracker.deadLettered).toEqual([]);
    await cluster.shutdown();
  });
});
