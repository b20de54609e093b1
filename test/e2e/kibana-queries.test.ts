import { readFileSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { loadConfig } from '../../pipeline/config/config.js';
import { INDEX_KEYS, names } from '../../pipeline/contracts/names.js';
import { parseSavedObjectsNdjson } from '../../pipeline/kibana/saved-object.js';
import { resolveVegaQuery, vegaQueries, type VegaQuery } from '../../pipeline/kibana/vega-query.js';
import { ANALYST_NDJSON } from '../../pipeline/kibana/write-analyst-ndjson.js';

/**
 * Every Elasticsearch query embedded in the shipped dashboards, run against the real cluster after
 * the pipeline has processed the recorded data, gives the numbers of ../shared/data/expected.
 * The pipeline is run by the shared helper `runPipelineOnData` (test/support/run-pipeline.ts),
 * which indexes the data directory into a fresh namespace and resolves when every event is processed.
 */

const DATA_DIR = '../shared/data';
const EUR_TOLERANCE = 0.01;

interface PipelineRun {
  stop(): Promise<void>;
}
type RunPipelineOnData = (options: { dataDir: string; namespace: string }) => Promise<PipelineRun>;

async function loadPipelineHelper(): Promise<RunPipelineOnData> {
  // A computed specifier: the helper belongs to the topology's test support and is resolved at run time.
  const specifier = ['..', 'support', 'run-pipeline.js'].join('/');
  const mod = (await import(specifier)) as { runPipelineOnData?: RunPipelineOnData };
  if (typeof mod.runPipelineOnData !== 'function') {
    throw new Error('test/support/run-pipeline.ts must export runPipelineOnData({ dataDir, namespace }) that indexes a data directory');
  }
  return mod.runPipelineOnData;
}

interface GroundTruth {
  price_points: { count: number };
  blocks: { height: number; time: number; price_eur: string; price_point_time_iso: string }[];
  hours: Record<string, { n_tx: number; volume_sat: number; volume_eur: number; max_tx: { txid: string; output_total_sat: number; eur: number } | null }>;
  miners_per_day: Record<string, PoolRanking>;
  miners_per_month: Record<string, PoolRanking>;
}
interface PoolRanking {
  top_by_btc: string[];
  top_by_eur: string[];
  ranking: { pool: string; n_blocks: number; reward_sat: number; reward_eur: number }[];
}

const truth = JSON.parse(readFileSync(`${DATA_DIR}/expected/ground_truth.json`, 'utf8')) as GroundTruth;
const objects = parseSavedObjectsNdjson(readFileSync(ANALYST_NDJSON, 'utf8'));
const visualizations = new Map(objects.filter((o) => o.type === 'visualization').map((o) => [o.id, o]));
const ALL_TIME = { from: '2009-01-03T00:00:00.000Z', to: new Date(Date.now() + 86_400_000).toISOString() };

const namespace = `kib${Math.random().toString(36).slice(2, 8)}`;
const config = loadConfig({ ...process.env, NAMESPACE: namespace });
let client: Client;
let run: PipelineRun | undefined;

/** The index of the test namespace that stands for a dashboard index of the default namespace. */
function retarget(index: string): string {
  const key = INDEX_KEYS.find((k) => names('btc').indices[k] === index);
  if (key === undefined) throw new Error(`dashboard query on an unknown index ${index}`);
  return names(namespace).indices[key];
}

function queryOf(visualizationId: string): VegaQuery {
  const vis = visualizations.get(visualizationId);
  if (!vis) throw new Error(`no visualization ${visualizationId} in ${ANALYST_NDJSON}`);
  const [query, ...rest] = vegaQueries(vis);
  if (!query || rest.length > 0) throw new Error(`${visualizationId} should hold exactly one query`);
  return query;
}

/** Runs a dashboard query as Kibana would over all time and returns the raw response body. */
async function runQuery(visualizationId: string): Promise<Record<string, any>> {
  const { index, body } = resolveVegaQuery(queryOf(visualizationId), ALL_TIME, retarget(queryOf(visualizationId).index));
  return (await client.search({ index, ...body })) as unknown as Record<string, any>;
}

/** The UTC hour of an instant, written as the expected results write it (YYYY-MM-DDTHH:00:00Z). */
const hourKey = (ms: number) => `${new Date(ms).toISOString().slice(0, 13)}:00:00Z`;

beforeAll(async () => {
  client = createElasticsearch(config);
  const runPipelineOnData = await loadPipelineHelper();
  run = await runPipelineOnData({ dataDir: DATA_DIR, namespace });
  await client.indices.refresh({ index: INDEX_KEYS.map((k) => names(namespace).indices[k]) });
});

afterAll(async () => {
  await run?.stop();
  await client?.indices.delete({ index: INDEX_KEYS.map((k) => names(namespace).indices[k]), ignore_unavailable: true });
  await client?.close();
});

describe('dashboard queries on the indexed recorded data', () => {
  it('covers every visualization of the dashboard export', () => {
    expect([...visualizations.keys()].sort()).toEqual(
      ['btc-analyst-hourly-volume', 'btc-analyst-largest-transactions', 'btc-analyst-price-eur', 'btc-analyst-top-pools-daily', 'btc-analyst-top-pools-monthly'].sort(),
    );
  });

  it('price: one hourly bucket per price-point hour, holding the price each block used', async () => {
    const buckets = (await runQuery('btc-analyst-price-eur')).aggregations.hours.buckets as any[];
    expect(buckets.reduce((n, b) => n + b.doc_count, 0)).toBe(truth.price_points.count);
    const byHour = new Map(buckets.map((b) => [hourKey(b.key), b]));
    for (const block of truth.blocks) {
      const pointHour = hourKey(Date.parse(block.price_point_time_iso));
      const bucket = byHour.get(pointHour);
      expect(bucket, `bucket ${pointHour} for block ${block.height}`).toBeDefined();
      const price = Number(block.price_eur);
      expect(bucket.low.value).toBeLessThanOrEqual(price);
      expect(bucket.high.value).toBeGreaterThanOrEqual(price);
      // A block after the end of its price point's hour uses the last point of that hour: the close.
      if (block.time * 1000 >= bucket.key + 3_600_000) expect(bucket.close.hits.hits[0]._source.price_eur).toBe(price);
    }
  });

  it('hourly volume: per hour, the sum equals volume_sat / 1e8, the count n_tx, EUR within a cent', async () => {
    const buckets = (await runQuery('btc-analyst-hourly-volume')).aggregations.hours.buckets as any[];
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

  it('largest transaction: per hour, the txid, its output total and EUR', async () => {
    const hits = (await runQuery('btc-analyst-largest-transactions')).hits.hits as any[];
    expect(hits).toHaveLength(Object.keys(truth.hours).length);
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

  for (const [id, period] of [
    ['btc-analyst-top-pools-daily', 'miners_per_day'],
    ['btc-analyst-top-pools-monthly', 'miners_per_month'],
  ] as const) {
    it(`${id}: per ${period === 'miners_per_day' ? 'day' : 'month'}, every pool's reward, the top pool by BTC first and the top by EUR`, async () => {
      const buckets = (await runQuery(id)).aggregations.periods.buckets as any[];
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
});
