import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import { expect, it } from 'vitest';
import type { Names } from '../../pipeline/contracts/names.js';

/** EUR values may differ from the ground truth by rounding to the cent. */
const EUR = 0.01;

interface Ranking {
  pool: string;
  n_blocks: number;
  reward_sat: number;
  reward_eur: number;
}

/** The recorded data set's expected results (`expected/ground_truth.json`), computed outside this project. */
export interface GroundTruth {
  price_points: { count: number };
  blocks: { height: number; hash: string; n_tx: number; pool: string; coinbase_reward_sat: number; total_fees_sat: number; coinbase_reward_eur: number }[];
  hours: Record<string, { n_tx: number; volume_sat: number; volume_eur: number; max_tx: { txid: string; output_total_sat: number; eur: number } | null }>;
  miners_per_day: Record<string, { ranking: Ranking[] }>;
  miners_per_month: Record<string, { ranking: Ranking[] }>;
}

/** Reads the ground truth of a data directory in the layout of `../shared/data`. */
export function readGroundTruth(dataDir: string): GroundTruth {
  return JSON.parse(readFileSync(join(dataDir, 'expected', 'ground_truth.json'), 'utf8')) as GroundTruth;
}

/** A document as read back, with its version and sequence number. */
export interface StoredDoc {
  source: Record<string, any>;
  seqNo: number;
  version: number;
}

/** Every document of `index`, by id (refreshed first). */
export async function allDocs(es: Client, index: string): Promise<Map<string, StoredDoc>> {
  await es.indices.refresh({ index });
  const out = new Map<string, StoredDoc>();
  let response = await es.search({ index, size: 5000, scroll: '1m', seq_no_primary_term: true, version: true, query: { match_all: {} } });
  while (response.hits.hits.length > 0) {
    for (const h of response.hits.hits)
      out.set(h._id as string, { source: h._source as Record<string, any>, seqNo: h._seq_no as number, version: h._version as number });
    response = await es.scroll({ scroll_id: response._scroll_id as string, scroll: '1m' });
  }
  return out;
}

/** Every block document: pool, reward, fees, transaction count and EUR reward as the truth says. */
export async function expectBlocks(es: Client, n: Names, truth: GroundTruth): Promise<void> {
  const docs = await allDocs(es, n.indices.blocks);
  expect(docs.size).toBe(truth.blocks.length);
  for (const b of truth.blocks) {
    const d = docs.get(b.hash)?.source;
    expect(d, `block ${b.height}`).toBeDefined();
    expect({ height: d?.height, pool: d?.pool, reward: d?.reward_sat, fees: d?.fees_sat, txs: d?.tx_count }).toEqual({
      height: b.height,
      pool: b.pool,
      reward: b.coinbase_reward_sat,
      fees: b.total_fees_sat,
      txs: b.n_tx,
    });
    expect(Math.abs((d?.reward_eur as number) - b.coinbase_reward_eur)).toBeLessThanOrEqual(EUR);
  }
}

/** One transaction document per transaction of the truth's blocks, each priced; one price document per point. */
export async function expectTransactionsAndPrices(es: Client, n: Names, truth: GroundTruth): Promise<void> {
  const txs = await allDocs(es, n.indices.transactions);
  expect(txs.size).toBe(truth.blocks.reduce((s, b) => s + b.n_tx, 0));
  expect([...txs.values()].every((t) => t.source.output_total_eur !== null)).toBe(true);
  expect((await allDocs(es, n.indices.prices)).size).toBe(truth.price_points.count);
}

/** Every hour: transaction count, volume and largest transaction, in sats and EUR. */
export async function expectHours(es: Client, n: Names, truth: GroundTruth): Promise<void> {
  const docs = await allDocs(es, n.indices.volumeHourly);
  expect([...docs.keys()].sort()).toEqual(Object.keys(truth.hours).sort());
  for (const [hour, h] of Object.entries(truth.hours)) {
    const d = docs.get(hour)?.source as Record<string, any>;
    expect({ n: d.tx_count, sat: d.volume_sat, max: d.max_tx_txid, maxSat: d.max_tx_sat }, hour).toEqual({
      n: h.n_tx,
      sat: h.volume_sat,
      max: h.max_tx?.txid ?? null,
      maxSat: h.max_tx?.output_total_sat ?? null,
    });
    expect(Math.abs(d.volume_eur - h.volume_eur), hour).toBeLessThanOrEqual(EUR);
    if (h.max_tx) expect(Math.abs(d.max_tx_eur - h.max_tx.eur), hour).toBeLessThanOrEqual(EUR);
  }
}

/** Every pool's blocks and reward per UTC day or month. */
export async function expectPools(es: Client, n: Names, truth: GroundTruth, period: 'day' | 'month'): Promise<void> {
  const docs = await allDocs(es, period === 'day' ? n.indices.minersDaily : n.indices.minersMonthly);
  const rankings = period === 'day' ? truth.miners_per_day : truth.miners_per_month;
  const expected = Object.entries(rankings).flatMap(([bucket, m]) => m.ranking.map((r) => ({ id: `${bucket}:${r.pool}`, r })));
  expect([...docs.keys()].sort()).toEqual(expected.map((e) => e.id).sort());
  for (const { id, r } of expected) {
    const d = docs.get(id)?.source as Record<string, any>;
    expect({ blocks: d.blocks, sat: d.reward_sat }, id).toEqual({ blocks: r.n_blocks, sat: r.reward_sat });
    expect(Math.abs(d.reward_eur - r.reward_eur), id).toBeLessThanOrEqual(EUR);
  }
}

/**
 * Declares the tests that a run's indices end with exactly the ground truth: every block,
 * transaction and price document, every hour, every pool per day and per month. `run` is read
 * when the tests run (after `beforeAll`).
 */
export function itEndsWithTheGroundTruth(run: () => { es: Client; names: Names }, truth: GroundTruth): void {
  it('ends with every block, transaction and price document', async () => {
    const { es, names } = run();
    await expectBlocks(es, names, truth);
    await expectTransactionsAndPrices(es, names, truth);
  });

  it('ends with every hour exact', () => expectHours(run().es, run().names, truth));

  it.each(['day', 'month'] as const)('ends with every pool exact per %s', (period) => expectPools(run().es, run().names, truth, period));
}
