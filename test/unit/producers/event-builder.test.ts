import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BlockEventSchema } from '../../../pipeline/contracts/block-event.js';
import { PriceEventSchema } from '../../../pipeline/contracts/price-event.js';
import { TransactionEventSchema } from '../../../pipeline/contracts/transaction-event.js';
import { decodeBlock } from '../../../producers/block-decoder.js';
import { canonicalJson } from '../../../producers/canonical-json.js';
import { EventBuilder, utcIso } from '../../../producers/event-builder.js';
import { eventDigest } from './event-digest.js';
import { FakeClock } from '../../../pipeline/runtime/testing/index.js';
import { rawBlockHex, rawHeights, REPO_ROOT, SAMPLE_DIR } from './recorded-data.js';

const INGEST = Date.UTC(2026, 0, 15, 12, 0, 0);
const height = rawHeights(SAMPLE_DIR).at(-1) as number;
const decoded = decodeBlock(rawBlockHex(SAMPLE_DIR, height), { height });

const withoutIngest = (e: { ingest_time: string }) => canonicalJson({ ...e, ingest_time: undefined });

describe('EventBuilder', () => {
  it('takes event time from the block header and ingest time from the clock', () => {
    const clock = new FakeClock(INGEST);
    const { block, transactions } = new EventBuilder({ producerId: 'p', source: 's', clock }).blockEvents(decoded);
    expect(BlockEventSchema.parse(block)).toEqual(block);
    expect(block.event_time_ms).toBe(decoded.block.time * 1000);
    expect(block.event_time).toBe(new Date(decoded.block.time * 1000).toISOString());
    expect(block.event_time.endsWith('Z')).toBe(true);
    expect(block.ingest_time).toBe('2026-01-15T12:00:00.000Z');
    expect(transactions).toHaveLength(decoded.block.tx_count);
    for (const tx of transactions) {
      expect(TransactionEventSchema.parse(tx)).toEqual(tx);
      expect(tx.event_time).toBe(block.event_time);
    }
  });

  it('takes a price event time from the provider timestamp', () => {
    const builder = new EventBuilder({ producerId: 'p', source: 'kraken', clock: new FakeClock(INGEST) });
    const event = builder.price({ pair: 'BTC-EUR', time: 1503532800, price_eur: 3410.5, source: 'kraken_xbteur_1h_close' });
    expect(PriceEventSchema.parse(event)).toEqual(event);
    expect(event.event_time).toBe('2017-08-24T00:00:00.000Z');
  });

  it('publishes the same events when the wall clock jumps backwards', () => {
    const clock = new FakeClock(INGEST);
    const builder = new EventBuilder({ producerId: 'p', source: 's', clock });
    const before = builder.blockEvents(decoded);
    clock.setWall(INGEST - 86_400_000 * 400);
    const after = builder.blockEvents(decoded);
    expect(after.block.ingest_time < before.block.ingest_time).toBe(true);
    expect(withoutIngest(after.block)).toBe(withoutIngest(before.block));
    expect(after.transactions.map(withoutIngest)).toEqual(before.transactions.map(withoutIngest));
  });

  it('serialises the same fact to the same bytes whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it('renders UTC ISO text independent of the process time zone', () => {
    expect(utcIso(1330781454000)).toBe('2012-03-03T13:30:54.000Z');
    expect(() => utcIso(Number.NaN)).toThrow();
  });
});

describe('event bytes across time zones', () => {
  const script = fileURLToPath(new URL('./event-digest.ts', import.meta.url));

  const digestIn = (tz: string) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', script, SAMPLE_DIR, String(INGEST)], {
      cwd: REPO_ROOT,
      env: { ...process.env, TZ: tz },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout.trim()) as { digest: string; count: number; tz: string; offsetMin: number };
  };

  it('is identical under TZ=Asia/Tokyo, TZ=America/Los_Angeles and this process', async () => {
    const local = await eventDigest(SAMPLE_DIR, new FakeClock(INGEST));
    const tokyo = digestIn('Asia/Tokyo');
    const la = digestIn('America/Los_Angeles');
    expect(tokyo.offsetMin).toBe(-540);
    expect(la.offsetMin).toBe(480);
    expect(local.count).toBeGreaterThan(300);
    expect(tokyo).toMatchObject({ digest: local.digest, count: local.count });
    expect(la).toMatchObject({ digest: local.digest, count: local.count });
  }, 60_000);
});
