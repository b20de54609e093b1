import type { Client } from '@elastic/elasticsearch';
import { DEFAULT_KIBANA_URL, dashboardUrl, dataTimeRange } from '../kibana/dashboard-url.js';
import type { BlockDoc, MinersDailyDoc, MinersMonthlyDoc, VolumeHourlyDoc } from '../pipeline/contracts/documents.js';
import { allIndices, type Names } from '../pipeline/contracts/names.js';
import { btcOf } from '../pipeline/topology/domain/amounts.js';
import { parseDecimal, toFixedHalfUp } from '../pipeline/topology/domain/decimal.js';
import { utcBuckets } from '../pipeline/topology/domain/utc-buckets.js';

type Row = Record<string, string>;

/** A plain-text table with right-aligned numbers. */
export function formatTable(title: string, rows: readonly Row[]): string {
  if (rows.length === 0) return `${title}\n  (no rows)\n`;
  const columns = Object.keys(rows[0] as Row);
  const width = (c: string) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length));
  const line = (cells: (c: string) => string) => columns.map((c) => cells(c)).join('  ');
  const isNumber = (v: string) => /^-?[\d.,]+$/.test(v);
  return [
    title,
    line((c) => c.padEnd(width(c))),
    line((c) => '-'.repeat(width(c))),
    ...rows.map((r) => line((c) => (isNumber(r[c] ?? '') ? (r[c] ?? '').padStart(width(c)) : (r[c] ?? '').padEnd(width(c))))),
    '',
  ].join('\n');
}

const btc = (sats: unknown) => toFixedHalfUp(btcOf(BigInt(Number(sats))), 8);
const eur = (value: unknown) => (typeof value === 'number' ? toFixedHalfUp(parseDecimal(String(value)), 2) : 'pending');

async function docs<T>(es: Client, index: string, sort: Record<string, 'asc' | 'desc'>[]): Promise<T[]> {
  await es.indices.refresh({ index });
  const r = await es.search<T>({ index, size: 10_000, sort: sort as never, query: { match_all: {} } });
  return r.hits.hits.map((h) => h._source as T);
}

/** One hour of the pending aggregation. */
interface PendingBucket {
  key: number;
  doc_count: number;
  volume_sat: { value: number };
  fee_sat: { value: number };
}

/** Per UTC hour first seen: unconfirmed transactions, their output sum and fees (the pending panel's buckets). */
async function pendingHours(es: Client, index: string): Promise<Row[]> {
  await es.indices.refresh({ index });
  const r = await es.search({
    index,
    size: 0,
    aggs: {
      hours: {
        date_histogram: { field: '@timestamp', fixed_interval: '1h', min_doc_count: 1 },
        aggs: { volume_sat: { sum: { field: 'output_total_sat' } }, fee_sat: { sum: { field: 'fee_sat' } } },
      },
    },
  });
  const buckets = (r.aggregations as unknown as { hours: { buckets: PendingBucket[] } }).hours.buckets;
  return buckets.map((b) => ({
    hour_first_seen: utcBuckets(b.key / 1000).hour,
    txs: String(b.doc_count),
    pending_btc: btc(b.volume_sat.value),
    fees_btc: btc(b.fee_sat.value),
  }));
}

/**
 * The four results of the analyst (price per block, hourly volume and largest tx, top pools per day
 * and month), then the pending (unconfirmed) volume seen so far.
 */
export async function resultTables(es: Client, n: Names): Promise<string> {
  // Orphaned blocks (a reorg replaced them) and pools left with no block count nowhere.
  const blocks = (await docs<BlockDoc>(es, n.indices.blocks, [{ height: 'asc' }])).filter((b) => b.orphaned !== true);
  const hours = await docs<VolumeHourlyDoc>(es, n.indices.volumeHourly, [{ '@timestamp': 'asc' }]);
  const days = await docs<MinersDailyDoc>(es, n.indices.minersDaily, [{ day: 'asc' }, { reward_sat: 'desc' }]);
  const months = await docs<MinersMonthlyDoc>(es, n.indices.minersMonthly, [{ month: 'asc' }, { reward_sat: 'desc' }]);
  const top = (rows: (MinersDailyDoc | MinersMonthlyDoc)[], bucketOf: (d: MinersDailyDoc | MinersMonthlyDoc) => string, key: 'day' | 'month') =>
    rows
      .filter((d) => d.blocks > 0)
      .map((d) => ({ [key]: bucketOf(d), pool: d.pool, blocks: String(d.blocks), reward_btc: btc(d.reward_sat), reward_eur: eur(d.reward_eur) }));
  return [
    formatTable(
      'BTC-EUR price at each block (latest point at or before the block time)',
      blocks.map((b) => ({
        height: String(b.height),
        time: b['@timestamp'],
        price_eur: b.price_eur === null ? 'pending' : String(b.price_eur),
        price_time: b.price_time ?? '-',
      })),
    ),
    formatTable(
      'Hourly volume and largest transaction',
      hours.map((h) => ({
        hour: h.hour,
        txs: String(h.tx_count),
        volume_btc: btc(h.volume_sat),
        volume_eur: eur(h.volume_eur),
        max_tx: h.max_tx_txid ?? '-',
        max_btc: h.max_tx_sat === null ? '-' : btc(h.max_tx_sat),
        max_eur: eur(h.max_tx_eur),
      })),
    ),
    formatTable(
      'Mining pools per UTC day (by reward)',
      top(days, (d) => ('day' in d ? d.day : ''), 'day'),
    ),
    formatTable(
      'Mining pools per UTC month (by reward)',
      top(months, (d) => ('month' in d ? d.month : ''), 'month'),
    ),
    formatTable('Pending (unconfirmed) volume by UTC hour first seen (never part of the results)', await pendingHours(es, n.indices.pendingTransactions)),
  ].join('\n');
}

/**
 * Where to look at the results: the Kibana dashboard over the time range of the loaded data (the
 * dashboard's own default, the last 7 days, would show recorded data as empty), and the topology UI.
 */
export async function resultLinks(es: Client, n: Names, ui: { host: string; port: number }): Promise<string> {
  const range = (await dataTimeRange(es, allIndices(n))) ?? { from: 'now-7d', to: 'now' };
  return (
    `Kibana dashboard (after npm run kibana:import -- --url ${DEFAULT_KIBANA_URL}): ${dashboardUrl(DEFAULT_KIBANA_URL, range)}\n` +
    `Topology UI: http://${ui.host}:${ui.port}/  analyst view: http://${ui.host}:${ui.port}/analyst\n`
  );
}
