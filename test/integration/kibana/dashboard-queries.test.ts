import { readFileSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe } from 'vitest';
import { createElasticsearch } from '../../../pipeline/clients/elasticsearch.js';
import { loadConfig } from '../../../pipeline/config/config.js';
import { INDEX_KEYS, INDEX_SUFFIX, names, type IndexKey } from '../../../pipeline/contracts/names.js';
import { DATA_DIR, dashboardQueryTests, readGroundTruth } from './dashboard-query-checks.js';

/**
 * The dashboard queries on this project's real Elasticsearch (no scripts, core aggregations only),
 * over documents written from the expected results in the shape of the index contract, without the
 * pipeline: proves that each query runs here and reads what the contract stores. The e2e test runs
 * the same checks on what the pipeline writes.
 */

const namespace = `kiq${Math.random().toString(36).slice(2, 8)}`;
const indexNames = names(namespace).indices;
let client: Client;

function templateBody(key: IndexKey): { settings: unknown; mappings: Record<string, unknown> } {
  const t = JSON.parse(readFileSync(`es-templates/${INDEX_SUFFIX[key]}.json`, 'utf8')) as { template: { settings: unknown; mappings: Record<string, unknown> } };
  return t.template;
}

function documents(): { index: string; id: string; doc: Record<string, unknown> }[] {
  const truth = readGroundTruth();
  const docs: { index: string; id: string; doc: Record<string, unknown> }[] = [];
  const points = readFileSync(`${DATA_DIR}/prices/btc_eur_points.ndjson`, 'utf8').split('\n').filter((l) => l.trim() !== '');
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
          doc: { '@timestamp': start(bucket), [field]: bucket, pool: r.pool, blocks: r.n_blocks, reward_sat: r.reward_sat, reward_btc: r.reward_sat / 1e8, reward_eur: r.reward_eur },
        });
      }
    }
  }
  return docs;
}

beforeAll(async () => {
  client = createElasticsearch(loadConfig({ ...process.env, NAMESPACE: namespace }));
  for (const key of INDEX_KEYS) {
    const { settings, mappings } = templateBody(key);
    await client.indices.create({ index: indexNames[key], settings: settings as Record<string, unknown>, mappings });
  }
  const operations = documents().flatMap(({ index, id, doc }) => [{ index: { _index: index, _id: id } }, doc]);
  const result = await client.bulk({ operations, refresh: true });
  if (result.errors) throw new Error(`bulk failed: ${JSON.stringify(result.items.find((i) => i.index?.error))}`);
});

afterAll(async () => {
  await client?.indices.delete({ index: INDEX_KEYS.map((k) => indexNames[k]), ignore_unavailable: true });
  await client?.close();
});

describe('dashboard queries on the real Elasticsearch over contract-shaped documents', () => {
  dashboardQueryTests(() => ({
    namespace,
    search: async (index, body) => (await client.search({ index, ...body })) as unknown as Record<string, any>,
  }));
});
