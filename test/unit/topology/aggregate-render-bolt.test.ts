import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { names } from '../../../pipeline/contracts/names.js';
import { InvariantError, type TopologyContext } from '../../../pipeline/runtime/index.js';
import { AggregateRenderBolt, type AggregateStore } from '../../../pipeline/topology/bolts/aggregate-render-bolt.js';
import type { BulkItem, BulkOutcome } from '../../../pipeline/topology/es/bulk-writer.js';
import { REPRICE } from '../../../pipeline/topology/streams.js';
import { fakeTick, fakeTuple, recordingCollector } from '../../support/fake-tuple.js';

const context = { log: pino({ level: 'silent' }), clock: { nowMs: () => 1000 } } as unknown as TopologyContext;
const HOUR = 'hour|2017-08-24T13:00:00Z';
const DAY = 'day|2017-08-24|Bixin';

/** An outbox of dirty aggregates with their revisions; records what was cleared. */
function store(dirty: Set<string>, revs: Record<string, number>): AggregateStore & { cleared: string[]; dirty: Set<string> } {
  const cleared: string[] = [];
  return {
    cleared,
    dirty,
    claimDirty: async () => [...dirty],
    snapshotAggregate: async (key) =>
      key.startsWith('hour')
        ? { hour: '2017-08-24T13:00:00Z', rev: revs[key] ?? 0, blocks: [] }
        : { period: 'day', bucket: '2017-08-24', pool: 'Bixin', rev: revs[key] ?? 0, blocks: [] },
    clearDirty: async (key) => {
      cleared.push(key);
      dirty.delete(key);
      return true;
    },
  };
}

describe('AggregateRenderBolt (tick-driven, from the dirty outbox)', () => {
  it.each([
    { name: 'written: cleared', outcome: { kind: 'written' } as BulkOutcome, cleared: [HOUR, DAY] },
    { name: '409: the same or newer revision is stored: cleared', outcome: { kind: 'superseded' } as BulkOutcome, cleared: [HOUR, DAY] },
    { name: 'unavailable: stays dirty for a later tick', outcome: { kind: 'unavailable', status: 503, reason: 'x' } as BulkOutcome, cleared: [] },
    {
      name: 'rejected: stays dirty (a renderer bug to fix), never dropped',
      outcome: { kind: 'rejected', status: 400, reason: 'mapper_parsing_exception' } as BulkOutcome,
      cleared: [],
    },
  ])('$name', async ({ outcome, cleared }) => {
    const s = store(new Set([HOUR, DAY]), { [HOUR]: 4, [DAY]: 2 });
    const writes: BulkItem[] = [];
    const bolt = new AggregateRenderBolt({
      store: s,
      indices: names('t').indices,
      batch: 10,
      leaseMs: 1000,
      writer: {
        write: async (items) => {
          writes.push(...items);
          return items.map(() => outcome);
        },
      },
    });
    const c = recordingCollector();
    bolt.prepare(context, c);
    await bolt.execute(fakeTick());
    expect(writes.map((w) => [w.index, w.id, w.version])).toEqual([
      ['t-volume-hourly', '2017-08-24T13:00:00Z', 4],
      ['t-miners-daily', '2017-08-24:Bixin', 2],
    ]);
    expect(s.cleared).toEqual(cleared);
    expect(s.dirty.size).toBe(2 - cleared.length);
    expect(c.acked).toEqual([]);
    expect(c.failed).toEqual([]);
  });

  it('writes nothing when nothing is dirty', async () => {
    const writes: BulkItem[] = [];
    const bolt = new AggregateRenderBolt({
      store: store(new Set(), {}),
      indices: names('t').indices,
      batch: 10,
      leaseMs: 1000,
      writer: {
        write: async (items) => {
          writes.push(...items);
          return [];
        },
      },
    });
    bolt.prepare(context, recordingCollector());
    await bolt.execute(fakeTick());
    expect(writes).toEqual([]);
  });

  it('reads ticks only', async () => {
    const bolt = new AggregateRenderBolt({
      store: store(new Set(), {}),
      indices: names('t').indices,
      batch: 10,
      leaseMs: 1000,
      writer: { write: async () => [] },
    });
    bolt.prepare(context, recordingCollector());
    await expect(bolt.execute(fakeTuple(REPRICE, { hash: 'a'.repeat(64) }))).rejects.toBeInstanceOf(InvariantError);
  });
});
