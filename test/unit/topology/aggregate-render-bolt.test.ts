import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { names } from '../../../pipeline/contracts/names.js';
import type { TopologyContext } from '../../../pipeline/runtime/index.js';
import { AggregateRenderBolt, type AggregateStore } from '../../../pipeline/topology/bolts/aggregate-render-bolt.js';
import type { BulkItem, BulkOutcome } from '../../../pipeline/topology/es/bulk-writer.js';
import { fakeTuple, recordingCollector } from '../../support/fake-tuple.js';

const context = { log: pino({ level: 'silent' }), clock: { nowMs: () => 1000 } } as unknown as TopologyContext;
const HOUR = 'hour|2017-08-24T13:00:00Z';
const DAY = 'day|2017-08-24|Bixin';

function store(dirty: Set<string>, revs: Record<string, number>): AggregateStore & { cleared: string[] } {
  const cleared: string[] = [];
  return {
    cleared,
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
    stillDirty: async (keys) => new Set(keys.filter((k) => dirty.has(k))),
  };
}

describe('AggregateRenderBolt', () => {
  it.each([
    { name: 'written: cleared and its held tuples acked', outcome: { kind: 'written' } as BulkOutcome, acked: 2, cleared: [HOUR, DAY] },
    { name: '409: the same or newer revision is stored', outcome: { kind: 'superseded' } as BulkOutcome, acked: 2, cleared: [HOUR, DAY] },
    { name: 'unavailable: stays dirty, tuples held for the next tick', outcome: { kind: 'unavailable', status: 503, reason: 'x' } as BulkOutcome, acked: 0, cleared: [] },
  ])('$name', async ({ outcome, acked, cleared }) => {
    const s = store(new Set([HOUR, DAY]), { [HOUR]: 4, [DAY]: 2 });
    const writes: BulkItem[] = [];
    const bolt = new AggregateRenderBolt({
      store: s, indices: names('t').indices, batch: 10, leaseMs: 1000,
      writer: { write: async (items) => { writes.push(...items); return items.map(() => outcome); } },
    });
    const c = recordingCollector();
    bolt.prepare(context, c);
    await bolt.execute(fakeTuple({ agg: HOUR }, 'dirty'));
    await bolt.execute(fakeTuple({ agg: DAY }, 'dirty'));
    expect(writes).toEqual([]); // nothing before a tick
    await bolt.execute(fakeTuple({}, '__tick'));
    expect(writes.map((w) => [w.index, w.id, w.version])).toEqual([
      ['t-volume-hourly', '2017-08-24T13:00:00Z', 4],
      ['t-miners-daily', '2017-08-24:Bixin', 2],
    ]);
    expect(s.cleared).toEqual(cleared);
    expect(c.acked).toHaveLength(acked);
    expect(c.failed).toEqual([]);
  });

  it('acks a held tuple whose aggregate another task already wrote', async () => {
    const s = store(new Set(), {});
    const bolt = new AggregateRenderBolt({ store: s, indices: names('t').indices, batch: 10, leaseMs: 1000, writer: { write: async () => [] } });
    const c = recordingCollector();
    bolt.prepare(context, c);
    const t = fakeTuple({ agg: HOUR }, 'dirty');
    await bolt.execute(t);
    await bolt.execute(fakeTuple({}, '__tick'));
    expect(c.acked).toEqual([t.id]);
  });
});
