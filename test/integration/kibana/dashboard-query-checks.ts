import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { Client } from '@elastic/elasticsearch';
import { INDEX_KEYS, INDEX_SUFFIX, names, type IndexKey } from '../../../pipeline/contracts/names.js';
import { parseSavedObjectsNdjson } from '../../../kibana/saved-object.js';
import { resolveVegaQuery, vegaQueries, type TimeRange } from '../../../kibana/vega-query.js';
import { ANALYST_NDJSON } from '../../../kibana/write-analyst-ndjson.js';
import { LARGEST_TRANSACTIONS_ROWS } from '../../../kibana/panels/largest-transactions-panel.js';
import { earliestSightings, pendingSightings } from '../../support/pending-sightings.js';

/**
 * Runs every Elasticsearch query of the shipped dashboard export on a namespace's indices and
 * compares the answers with `../shared/data/expected/ground_truth.json`, and the pending view with
 * the mempool sightings of `test/support/pending-sightings.ts`. Shared by the integration test
 * (documents written from the expected results) and the e2e test (documents written by the pipeline).
 */

/** Where the recorded data and its expected results live, relative to the repository root. */
export const DATA_DIR = '../shared/data';
const EUR_TOLERANCE = 0.01;

/** The parts of the expected results the dashboards show. */
export interface GroundTruth {
  price_points: { count: number };
  blocks: { height: number; time: number; price_eur: string; price_point_time_iso: string }[];
  hours: Record<string, { n_tx: number; volume_sat: number; volume_eur: number; max_tx: { txid: string; output_total_sat: number; eur: number } | null }>;
  miners_per_day: Record<string, PoolRanking>;
  miners_per_month: Record<string, PoolRanking>;
}

/** Expected pool ranking of one day or month. */
export interface PoolRanking {
  top_by_btc: string[];
  top_by_eur: string[];
  ranking: { pool: string; n_blocks: number; reward_sat: number; reward_eur: number }[];
}

/** Reads the expected results. */
export function readGroundTruth(): GroundTruth {
  return JSON.parse(readFileSync(`${DATA_DIR}/expected/ground_truth.json`, 'utf8')) as GroundTruth;
}

/** The UTC hour of an instant, written as the expected results write it (YYYY-MM-DDTHH:00:00Z). */
export const hourKey = (ms: number) => `${new Date(ms).toISOString().slice(0, 13)}:00:00Z`;

/** Sends one search request (index and body as Kibana builds them) and returns the response body. */
export type Search = (index: string, body: Record<string, unknown>) => Promise<Record<string, any>>;

/** The dashboard's visualizations, by id. */
export function dashboardVisualizations() {
  const objects = parseSavedObjectsNdjson(readFileSync(ANALYST_NDJSON, 'utf8'));
  return new Map(objects.filter((o) => o.type === 'visualization').map((o) => [o.id, o]));
}

/** The index of `namespace` that stands for a dashboard index of the default namespace `btc`. */
export function retarget(index: string, namespace: string): string {
  const key = INDEX_KEYS.find((k) => names('btc').indices[k] === index);
  if (key === undefined) throw new Error(`dashboard query on an unknown index ${index}`);
  return names(namespace).indices[key];
}

/** Declares one test per dashboard query; `context()` gives the namespace and search function once set up. */
export function dashboardQueryTests(context: () => { namespace: string; search: Search }): void {
  const truth = readGroundTruth();
  const visualizations = dashboardVisualizations();
  const allTime: TimeRange = { from: '2009-01-03T00:00:00.000Z', to: new Date(Date.now() + 86_400_000).toISOString() };

  const run = async (visualizationId: string): Promise<Record<string, any>> => {
    const vis = visualizations.get(visualizationId);
    if (!vis) throw new Error(`no visualization ${visualizationId} in ${ANALYST_NDJSON}`);
    const queries = vegaQueries(vis);
    expect(queries).toHaveLength(1);
    const query = queries[0] as (typeof queries)[number];
    const { namespace, search } = context();
    const { index, body } = resolveVegaQuery(query, allTime, retarget(query.index, namespace));
    return search(index, body);
  };

  it('covers every visualization of the dashboard export', () => {
    expect([...visualizations.keys()].sort()).toEqual(
      [
        'btc-analyst-hourly-volume',
        'btc-analyst-largest-transactions',
        'btc-analyst-pending-volume',
        'btc-analyst-price-eur',
        'btc-analyst-top-pools-daily',
        'btc-analyst-top-pools-monthly',
      ].sort(),
    );
  });

  it('price: hourly buckets of every price point, holding the price each block used', async () => {
    const buckets = (await run('btc-analyst-price-eur')).aggregations.hours.buckets as any[];
    expect(buckets.reduce((n, b) => n + b.doc_count, 0)).toBe(truth.price_points.count);
    const byHour = new Map(buckets.map((b) => [hourKey(b.key), b]));
    let closes = 0;
    for (const block of truth.blocks) {
      const pointHour = hourKey(Date.parse(block.price_point_time_iso));
      const bucket = byHour.get(pointHour);
      expect(bucket, `bucket ${pointHour} for block ${block.height}`).toBeDefined();
      const price = Number(block.price_eur);
      expect(bucket.low.value).toBeLessThanOrEqual(price);
      expect(bucket.high.value).toBeGreaterThanOrEqual(price);
      // A block after the end of its price point's hour uses the last point of that hour: the close.
      if (block.time * 1000 >= bucket.key + 3_600_000) {
        expect(bucket.close.hits.hits[0]._source.price_eur).toBe(price);
        closes++;
      }
    }
    expect(closes).toBeGreaterThan(0);
  });

  it('hourly volume: per hour, sum = volume_sat (BTC = / 1e8), count = n_tx, EUR within a cent', async () => {
    const buckets = (await run('btc-analyst-hourly-volume')).aggregations.hours.buckets as any[];
    expect(buckets.map((b) => hourKey(b.key)).sort()).toEqual(Object.keys(truth.hours).sort());
    for (const b of buckets) {
      const expected = truth.hours[hourKey(b.key)];
      if (!expected) throw new Error(`unexpected hour ${hourKey(b.key)}`);
      expect(b.volume_sat.value).toBe(expected.volume_sat);
      expect(b.volume_btc.value).toBeCloseTo(expected.volume_sat / 1e8, 6);
      expect(b.tx_count.value).toBe(expected.n_tx);
      expect(Math.abs(b.volume_eur.value - expected.volume_eur)).toBeLessThanOrEqual(EUR_TOLERANCE);
    }
  });

  it('largest transaction: per hour, newest first, the txid, its output total and EUR', async () => {
    const hits = (await run('btc-analyst-largest-transactions')).hits.hits as any[];
    expect(hits).toHaveLength(Math.min(LARGEST_TRANSACTIONS_ROWS, Object.keys(truth.hours).length));
    const newest = Object.keys(truth.hours).sort().reverse().slice(0, LARGEST_TRANSACTIONS_ROWS);
    expect(hits.map((h) => hourKey(Date.parse(h._source['@timestamp'])))).toEqual(newest);
    const times = hits.map((h) => Date.parse(h._source['@timestamp']));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    for (const h of hits) {
      const expected = truth.hours[hourKey(Date.parse(h._source['@timestamp']))];
      if (!expected?.max_tx) throw new Error(`unexpected hour ${h._source['@timestamp']}`);
      expect(h._source.max_tx_txid).toBe(expected.max_tx.txid);
      expect(h._source.max_tx_sat).toBe(expected.max_tx.output_total_sat);
      expect(h._source.max_tx_btc).toBeCloseTo(expected.max_tx.output_total_sat / 1e8, 8);
      expect(Math.abs(h._source.max_tx_eur - expected.max_tx.eur)).toBeLessThanOrEqual(EUR_TOLERANCE);
    }
  });

  it('pending volume: per hour of earliest sighting, each transaction once: count, output sum, fees, vsize', async () => {
    const buckets = (await run('btc-analyst-pending-volume')).aggregations.hours.buckets as any[];
    const expected = new Map<string, { txs: number; sat: number; fee: number; vsize: number }>();
    for (const { entry, atMs } of earliestSightings(pendingSightings(DATA_DIR)).values()) {
      const h = expected.get(hourKey(atMs)) ?? { txs: 0, sat: 0, fee: 0, vsize: 0 };
      expected.set(hourKey(atMs), { txs: h.txs + 1, sat: h.sat + entry.value, fee: h.fee + entry.fee, vsize: h.vsize + entry.vsize });
    }
    expect(expected.size).toBeGreaterThan(1);
    expect(buckets.map((b) => hourKey(b.key)).sort()).toEqual([...expected.keys()].sort());
    for (const b of buckets) {
      const e = expected.get(hourKey(b.key));
      expect(b.doc_count).toBe(e?.txs);
      expect(b.volume_sat.value).toBe(e?.sat);
      expect(b.fee_sat.value).toBe(e?.fee);
      expect(b.vsize.value).toBe(e?.vsize);
    }
  });

  for (const [id, period] of [
    ['btc-analyst-top-pools-daily', 'miners_per_day'],
    ['btc-analyst-top-pools-monthly', 'miners_per_month'],
  ] as const) {
    it(`${id}: every pool's reward per period, the top pool by BTC first and the top by EUR`, async () => {
      const buckets = (await run(id)).aggregations.periods.buckets as any[];
      const expected = truth[period];
      expect(buckets.map((b) => b.key)).toEqual(Object.keys(expected).sort().reverse());
      for (const b of buckets) {
        const ranking = expected[b.key] as PoolRanking;
        const pools = b.pools.buckets as any[];
        expect(pools.map((p) => p.key).sort()).toEqual(ranking.ranking.map((r) => r.pool).sort());
        for (const p of pools) {
          const r = ranking.ranking.find((x) => x.pool === p.key);
          expect(p.reward_sat.value).toBe(r?.reward_sat);
          expect(p.blocks.value).toBe(r?.n_blocks);
          expect(p.reward_btc.value).toBeCloseTo((r?.reward_sat ?? NaN) / 1e8, 6);
          expect(Math.abs(p.reward_eur.value - (r?.reward_eur ?? NaN))).toBeLessThanOrEqual(EUR_TOLERANCE);
        }
        expect(ranking.top_by_btc).toContain(pools[0].key);
        const topEur = pools.reduce((best, p) => (p.reward_eur.value > best.reward_eur.value ? p : best));
        expect(ranking.top_by_eur).toContain(topEur.key);
      }
    });
  }
}

function templateBody(key: IndexKey): { settings: unknown; mappings: Record<string, unknown> } {
  const t = JSON.parse(readFileSync(`es-templates/${INDEX_SUFFIX[key]}.json`, 'utf8')) as {
    template: { settings: unknown; mappings: Record<string, unknown> };
  };
  return t.template;
}

function contractDocuments(namespace: string): { index: string; id: string; doc: Record<string, unknown> }[] {
  const truth = readGroundTruth();
  const indexNames = names(namespace).indices;
  const docs: { index: string; id: string; doc: Record<string, unknown> }[] = [];
  const points = readFileSync(`${DATA_DIR}/prices/btc_eur_points.ndjson`, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  for (const line of points) {
    const p = JSON.parse(line) as { t: number; time: string; price_eur: number; source: string };
    docs.push({ index: indexNames.prices, id: `BTC-EUR:${p.t}`, doc: { '@timestamp': p.time, pair: 'BTC-EUR', price_eur: p.price_eur, source: p.source } });
  }
  for (const [hour, h] of Object.entries(truth.hours)) {
    docs.push({
      index: indexNames.volumeHourly,
      id: hour,
      doc: {
        '@timestamp': hour,
        hour,
        tx_count: h.n_tx,
        volume_sat: h.volume_sat,
        volume_btc: h.volume_sat / 1e8,
        volume_eur: h.volume_eur,
        ...(h.max_tx
          ? { max_tx_txid: h.max_tx.txid, max_tx_sat: h.max_tx.output_total_sat, max_tx_btc: h.max_tx.output_total_sat / 1e8, max_tx_eur: h.max_tx.eur }
          : {}),
      },
    });
  }
  for (const [period, field, index, start] of [
    ['miners_per_day', 'day', indexNames.minersDaily, (d: string) => `${d}T00:00:00Z`],
    ['miners_per_month', 'month', indexNames.minersMonthly, (m: string) => `${m}-01T00:00:00Z`],
  ] as const) {
    for (const [bucket, ranking] of Object.entries(truth[period])) {
      for (const r of ranking.ranking) {
        docs.push({
          index,
          id: `${bucket}:${r.pool}`,
          doc: {
            '@timestamp': start(bucket),
            [field]: bucket,
            pool: r.pool,
            blocks: r.n_blocks,
            reward_sat: r.reward_sat,
            reward_btc: r.reward_sat / 1e8,
            reward_eur: r.reward_eur,
          },
        });
      }
    }
  }
  for (const { entry, atMs } of earliestSightings(pendingSightings(DATA_DIR)).values()) {
    docs.push({
      index: indexNames.pendingTransactions,
      id: entry.txid,
      doc: {
        '@timestamp': new Date(atMs).toISOString(),
        txid: entry.txid,
        output_total_sat: entry.value,
        output_total_btc: entry.value / 1e8,
        fee_sat: entry.fee,
        vsize: entry.vsize,
        fee_rate_sat_vb: entry.fee / entry.vsize,
      },
    });
  }
  return docs;
}

/**
 * Creates the namespace's indices with the mappings of `es-templates/` and writes documents in the
 * shape of the index contract, built from the expected results, the price points and the mempool
 * sightings (no pipeline).
 */
export async function indexContractDocuments(client: Client, namespace: string): Promise<void> {
  const indexNames = names(namespace).indices;
  for (const key of INDEX_KEYS) {
    const { settings, mappings } = templateBody(key);
    await client.indices.create({ index: indexNames[key], settings: settings as Record<string, unknown>, mappings });
  }
  const operations = contractDocuments(namespace).flatMap(({ index, id, doc }) => [{ index: { _index: index, _id: id } }, doc]);
  const result = await client.bulk({ operations, refresh: true });
  if (result.errors) throw new Error(`bulk failed: ${JSON.stringify(result.items.find((i) => i.index?.error))}`);
}
