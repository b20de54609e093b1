import { describe, expect, it } from 'vitest';
import { names } from '../../../pipeline/contracts/names.js';
import { NonRetriableError, RetriableError, type TopologyContext } from '../../../pipeline/runtime/index.js';
import { BulkIndexBolt } from '../../../pipeline/topology/bolts/bulk-index-bolt.js';
import type { BulkItem, BulkOutcome } from '../../../pipeline/topology/es/bulk-writer.js';
import { DOCUMENT_BATCHES, DOCUMENTS } from '../../../pipeline/topology/streams.js';
import { fakeTick, fakeTuple, recordingCollector } from '../../support/fake-tuple.js';
import { pino } from 'pino';
import { FakeClock } from '../../../pipeline/runtime/testing/index.js';

const context = { log: pino({ level: 'silent' }) } as unknown as TopologyContext;
const request = (id: string) => ({ index: 'transactions', id, version: 3, doc: { txid: id } });

describe('BulkIndexBolt', () => {
  it.each([
    { name: 'written', outcome: { kind: 'written' } as BulkOutcome, acked: true, error: null },
    { name: '409: a same or newer version is stored', outcome: { kind: 'superseded' } as BulkOutcome, acked: true, error: null },
    {
      name: 'rejected document: dead letter',
      outcome: { kind: 'rejected', status: 400, reason: 'mapper_parsing_exception' } as BulkOutcome,
      acked: false,
      error: NonRetriableError,
    },
    {
      name: '429/5xx after retries: replay',
      outcome: { kind: 'unavailable', status: 503, reason: 'busy' } as BulkOutcome,
      acked: false,
      error: RetriableError,
    },
  ])('$name', async ({ outcome, acked, error }) => {
    const writes: BulkItem[][] = [];
    const bolt = new BulkIndexBolt({
      writer: {
        write: async (items) => {
          writes.push([...items]);
          return items.map(() => outcome);
        },
      },
      indices: names('t').indices,
      batchSize: 2,
    });
    const c = recordingCollector();
    bolt.prepare(context, c);
    const a = fakeTuple(DOCUMENTS, request('a'));
    await bolt.execute(a);
    expect(writes).toHaveLength(0); // buffered until the batch is full or a tick comes
    expect(c.acked).toEqual([]);
    const b = fakeTuple(DOCUMENTS, request('b'));
    await bolt.execute(b);
    await bolt.cleanup();
    expect(writes).toEqual([
      [
        { index: 't-transactions', id: 'a', version: 3, doc: { txid: 'a' } },
        { index: 't-transactions', id: 'b', version: 3, doc: { txid: 'b' } },
      ],
    ]);
    expect(c.acked).toEqual(acked ? [a.id, b.id] : []);
    expect(c.failed.map((f) => f.id)).toEqual(acked ? [] : [a.id, b.id]);
    if (error) expect(c.failed.every((f) => f.err instanceof error)).toBe(true);
  });

  it('sends a partial buffer on a tick and acks only after the write', async () => {
    let release: (o: BulkOutcome[]) => void = () => undefined;
    const bolt = new BulkIndexBolt({
      writer: {
        write: () =>
          new Promise((resolve) => {
            release = resolve;
          }),
      },
      indices: names('t').indices,
      batchSize: 100,
    });
    const c = recordingCollector();
    bolt.prepare(context, c);
    const a = fakeTuple(DOCUMENTS, request('a'));
    await bolt.execute(a);
    await bolt.execute(fakeTick());
    expect(c.acked).toEqual([]);
    release([{ kind: 'written' }]);
    await bolt.cleanup();
    expect(c.acked).toEqual([a.id]);
  });

  it('holds a partial buffer past the ticks while a bulk of its task is in flight, until busyLingerMs after its first document', async () => {
    const clock = new FakeClock();
    const releases: ((o: BulkOutcome[]) => void)[] = [];
    const writes: string[][] = [];
    const bolt = new BulkIndexBolt({
      writer: {
        write: (items) => {
          writes.push(items.map((i) => i.id));
          return new Promise((resolve) => releases.push(resolve));
        },
      },
      indices: names('t').indices,
      batchSize: 2,
      busyLingerMs: 1_000,
    });
    const c = recordingCollector();
    bolt.prepare({ ...context, clock } as TopologyContext, c);
    await bolt.execute(fakeTuple(DOCUMENTS, request('a')));
    await bolt.execute(fakeTuple(DOCUMENTS, request('b'))); // full: sent, and in flight
    await bolt.execute(fakeTuple(DOCUMENTS, request('c')));
    clock.advance(600);
    await bolt.execute(fakeTick());
    expect(writes).toEqual([['a', 'b']]); // busy and younger than 1 s: held
    clock.advance(400);
    await bolt.execute(fakeTick());
    expect(writes).toEqual([['a', 'b'], ['c']]); // waited 1 s: sent although busy
    await bolt.execute(fakeTuple(DOCUMENTS, request('d')));
    for (const release of releases.splice(0)) release([{ kind: 'written' }, { kind: 'written' }]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    await bolt.execute(fakeTick());
    expect(writes.at(-1)).toEqual(['d']); // nothing in flight: the tick sends at once
    releases.forEach((release) => release([{ kind: 'written' }]));
    await bolt.cleanup();
    expect(c.acked).toHaveLength(4);
  });

  describe('a record batch (DOCUMENT_BATCHES)', () => {
    const batch = (...ids: string[]) => fakeTuple(DOCUMENT_BATCHES, { documents: ids.map((id) => ({ ...request(id), messageId: `m-${id}` })) });
    const outcomes: Record<string, BulkOutcome> = {
      ok: { kind: 'written' },
      old: { kind: 'superseded' },
      bad: { kind: 'rejected', status: 400, reason: 'mapper_parsing_exception' },
      away: { kind: 'unavailable', status: 503, reason: 'busy' },
    };
    /** A bolt whose writer answers each document by the start of its id, and records its requests. */
    const boltFor = (batchSize: number) => {
      const writes: string[][] = [];
      const bolt = new BulkIndexBolt({
        writer: {
          write: async (items) => {
            writes.push(items.map((i) => i.id));
            return items.map((i) => outcomes[i.id.split('-')[0] as string] as BulkOutcome);
          },
        },
        indices: names('t').indices,
        batchSize,
      });
      const c = recordingCollector();
      bolt.prepare(context, c);
      return { bolt, c, writes };
    };

    it('writes all of a batch in one request, even past the bulk size, and acks it once every document is confirmed', async () => {
      const { bolt, c, writes } = boltFor(2);
      const single = fakeTuple(DOCUMENTS, request('ok-0'));
      const b = batch('ok-1', 'old-2', 'ok-3');
      await bolt.execute(single);
      await bolt.execute(b);
      await bolt.cleanup();
      expect(writes).toEqual([['ok-0', 'ok-1', 'old-2', 'ok-3']]);
      expect(c.acked).toEqual([single.id, b.id]);
      expect(c.failed).toEqual([]);
    });

    it('fails a batch with a rejected document non-retriably, naming only the records of the rejected documents', async () => {
      const { bolt, c } = boltFor(10);
      const b = batch('ok-1', 'bad-2', 'ok-3', 'bad-4');
      await bolt.execute(b);
      await bolt.cleanup();
      expect(c.acked).toEqual([]);
      expect(c.failed).toHaveLength(1);
      const err = c.failed[0]?.err;
      expect(err).toBeInstanceOf(NonRetriableError);
      expect(err).toMatchObject({ messageIds: ['m-bad-2', 'm-bad-4'], message: expect.stringContaining('t-transactions/bad-2: mapper_parsing_exception') });
    });

    it('fails a batch retriably when Elasticsearch did not take one of its documents, even beside a rejected one', async () => {
      const { bolt, c } = boltFor(10);
      const b = batch('bad-1', 'ok-2', 'away-3');
      await bolt.execute(b);
      await bolt.cleanup();
      expect(c.failed).toHaveLength(1);
      expect(c.failed[0]?.err).toBeInstanceOf(RetriableError);
      expect(c.acked).toEqual([]);
    });
  });
});
