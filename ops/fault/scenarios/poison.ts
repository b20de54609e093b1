import { createHash } from 'node:crypto';
import type { RawFeed } from '../../../pipeline/contracts/names.js';
import { RAW_FEEDS } from '../../../pipeline/contracts/names.js';
import type { FaultScenario } from '../fault-scenario.js';

/** One poison record: its key (`poison-<feed>-<kind>`) and raw value (null: a tombstone). */
export interface PoisonRecord {
  key: string;
  value: Buffer | string | null;
}

const hex64 = (seed: string) => createHash('sha256').update(seed).digest('hex');
const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();
const T2100 = 4_102_444_800;
const SCRIPT = '<script>alert(document.cookie)</script>';
const TEMPLATE = "{{constructor.constructor('return process')().exit()}}";

/** An envelope around `data` whose event time is `time` (seconds), consistent with it. */
function envelope(kind: string, time: number, data: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind,
    schema_version: 1,
    source: 'fault-poison',
    event_time: iso(time),
    event_time_ms: time * 1000,
    ingest_time: new Date().toISOString(),
    producer_id: 'fault-poison',
    data,
    ...extra,
  };
}

/** A well-formed event of `feed` at `time`, the base every hostile variant changes. */
function wellFormed(feed: RawFeed, time: number, seed: string): Record<string, unknown> {
  switch (feed) {
    case 'blocks':
      return envelope('block', time, {
        height: 1,
        hash: hex64(`${seed}-hash`),
        previous_hash: hex64(`${seed}-prev`),
        time,
        tx_count: 1,
        coinbase_script_hex: '00',
        coinbase_outputs: [{ n: 0, value_sat: 5_000_000_000, address: null }],
      });
    case 'transactions':
      return envelope('transaction', time, {
        status: 'confirmed',
        txid: hex64(`${seed}-tx`),
        block_height: 1,
        block_hash: hex64(`${seed}-hash`),
        block_time: time,
        index_in_block: 1,
        is_coinbase: false,
        outputs: [{ n: 0, value_sat: 1_000, address: null }],
        output_total_sat: 1_000,
      });
    case 'prices':
      return envelope('price', time, { pair: 'BTC-EUR', time, price_eur: 1, source: 'fault-poison' });
  }
}

/** `event` with `data.<field>` replaced. */
const withData = (event: Record<string, unknown>, field: string, value: unknown) => ({ ...event, data: { ...(event.data as object), [field]: value } });

/**
 * The poison of one raw topic: malformed, truncated, oversized, wrong-schema and hostile records
 * (script-like strings, huge and negative numbers, dates in 1970 and 2100). Every one of them must
 * end in the topic's dead-letter topic with a reason and change no result.
 */
export function poisonRecords(feed: RawFeed): PoisonRecord[] {
  const base = wellFormed(feed, 1_500_000_000, `poison-${feed}`);
  const text = JSON.stringify(base);
  const amountField = { blocks: 'tx_count', transactions: 'output_total_sat', prices: 'price_eur' }[feed];
  const idField = { blocks: 'hash', transactions: 'txid', prices: 'source' }[feed];
  const timeField = { blocks: 'time', transactions: 'block_time', prices: 'time' }[feed];
  const records: Record<string, Buffer | string | null> = {
    malformed: '{"kind": "block", "schema_version": 1, data: {height: }',
    'not-utf8': Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x7b]),
    empty: '',
    tombstone: null,
    truncated: text.slice(0, Math.floor(text.length / 2)),
    oversized: JSON.stringify({ ...base, padding: 'x'.repeat(700_000) }),
    'wrong-version': JSON.stringify({ ...base, schema_version: 2 }),
    'wrong-kind': JSON.stringify(wellFormed(feed === 'prices' ? 'blocks' : 'prices', 1_500_000_000, `poison-${feed}-kind`)),
    'no-data': JSON.stringify({ ...base, data: undefined }),
    array: JSON.stringify([base]),
    script: JSON.stringify(withData(base, idField, SCRIPT)),
    template: JSON.stringify(withData(base, idField, TEMPLATE)),
    proto: `{"__proto__":{"polluted":true},${text.slice(1)}`.replace(
      '"data":{',
      '"data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},',
    ),
    'huge-number': JSON.stringify(withData(base, amountField, 1e308)),
    'beyond-safe-integer': JSON.stringify(withData(base, amountField, 2 ** 64)),
    overflow: text.replace(/"data":\{/, `"data":{"${amountField}":1e400,`).replace(new RegExp(`,"${amountField}":[^,}]+`), ''),
    negative: JSON.stringify(withData(base, amountField, -1)),
    'negative-time': JSON.stringify(withData(base, timeField, -86_400)),
    'time-mismatch': JSON.stringify({ ...base, event_time_ms: 0 }),
    'date-1970': JSON.stringify(wellFormed(feed, 0, `poison-${feed}-1970`)),
    'date-2100': JSON.stringify(wellFormed(feed, T2100, `poison-${feed}-2100`)),
  };
  return Object.entries(records).map(([kind, value]) => ({ key: `poison-${feed}-${kind}`, value }));
}

/** Poison on every raw topic mid-stream. */
export const poison: FaultScenario = {
  name: 'poison',
  summary: 'malformed, truncated, oversized, wrong-schema and hostile records on every raw topic; each must be dead-lettered with a reason',
  defaultSeconds: 0,
  async inject({ pipeline }) {
    const producer = pipeline.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const keys: string[] = [];
    try {
      for (const feed of RAW_FEEDS) {
        const records = poisonRecords(feed);
        // One send per record: the oversized one alone is most of a request.
        for (const r of records) {
          await producer.send({ topic: pipeline.names.topics[feed], acks: -1, messages: [{ key: r.key, value: r.value }] });
          keys.push(r.key);
        }
      }
    } finally {
      await producer.disconnect();
    }
    return {
      description: `${keys.length} poison records (${keys.length / RAW_FEEDS.length} kinds on each raw topic)`,
      poisonKeys: keys,
    };
  },
};
