import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Recount } from '../raw-recount.js';

/** EUR values of the ground truth are rounded to the cent. */
const EUR_TOLERANCE = 0.01;

interface Ranking {
  pool: string;
  n_blocks: number;
  reward_sat: number;
  reward_eur: number;
}
interface GroundTruth {
  price_points: { count: number };
  blocks: { height: number; hash: string; n_tx: number; pool: string; coinbase_reward_sat: number; total_fees_sat: number; coinbase_reward_eur: number }[];
  hours: Record<string, { n_tx: number; volume_sat: number; volume_eur: number; max_tx: { txid: string; output_total_sat: number; eur: number } | null }>;
  miners_per_day: Record<string, { ranking: Ranking[] }>;
  miners_per_month: Record<string, { ranking: Ranking[] }>;
}

/**
 * Compares a recount with the data set's own expected results (`DIR/expected/ground_truth.json`,
 * computed outside this project); returns one line per difference, or null when DIR has none.
 * With an exact audit (Elasticsearch equal to the recount) this checks Elasticsearch too.
 */
export function groundTruthDifferences(dataDir: string, recount: Recount): string[] | null {
  const file = join(dataDir, 'expected', 'ground_truth.json');
  if (!existsSync(file)) return null;
  const truth = JSON.parse(readFileSync(file, 'utf8')) as GroundTruth;
  const out: string[] = [];
  const same = (what: string, expected: unknown, found: unknown) => {
    if (expected !== found) out.push(`${what}: truth ${JSON.stringify(expected)}, recount ${JSON.stringify(found)}`);
  };
  const near = (what: string, expected: number, found: number | null | undefined) => {
    if (found === null || found === undefined || Math.abs(found - expected) > EUR_TOLERANCE) out.push(`${what}: truth ${expected}, recount ${found}`);
  };

  same('price points', truth.price_points.count, recount.prices.size);
  same('blocks', truth.blocks.length, recount.blocks.size);
  same(
    'transactions',
    truth.blocks.reduce((s, b) => s + b.n_tx, 0),
    recount.transactions.count,
  );
  for (const b of truth.blocks) {
    const d = recount.blocks.get(b.hash);
    if (d === undefined) {
      out.push(`block ${b.height}: missing`);
      continue;
    }
    same(`block ${b.height} pool`, b.pool, d.pool);
    same(`block ${b.height} reward_sat`, b.coinbase_reward_sat, d.reward_sat);
    same(`block ${b.height} fees_sat`, b.total_fees_sat, d.fees_sat);
    same(`block ${b.height} tx_count`, b.n_tx, d.tx_count);
    near(`block ${b.height} reward_eur`, b.coinbase_reward_eur, d.reward_eur);
  }
  same('hours', Object.keys(truth.hours).sort().join(','), [...recount.volumeHourly.keys()].sort().join(','));
  for (const [hour, h] of Object.entries(truth.hours)) {
    const d = recount.volumeHourly.get(hour);
    if (d === undefined) continue;
    same(`hour ${hour} tx_count`, h.n_tx, d.tx_count);
    same(`hour ${hour} volume_sat`, h.volume_sat, d.volume_sat);
    near(`hour ${hour} volume_eur`, h.volume_eur, d.volume_eur);
    same(`hour ${hour} max_tx_txid`, h.max_tx?.txid ?? null, d.max_tx_txid);
    same(`hour ${hour} max_tx_sat`, h.max_tx?.output_total_sat ?? null, d.max_tx_sat);
    if (h.max_tx !== null) near(`hour ${hour} max_tx_eur`, h.max_tx.eur, d.max_tx_eur);
  }
  const miners = [
    ['day', truth.miners_per_day, recount.minersDaily],
    ['month', truth.miners_per_month, recount.minersMonthly],
  ] as const;
  for (const [period, expected, found] of miners) {
    const ids = Object.entries(expected).flatMap(([bucket, m]) => m.ranking.map((r) => ({ id: `${bucket}:${r.pool}`, r })));
    same(
      `pools per ${period}`,
      ids
        .map((e) => e.id)
        .sort()
        .join(','),
      [...found.keys()].sort().join(','),
    );
    for (const { id, r } of ids) {
      const d = found.get(id);
      if (d === undefined) continue;
      same(`${period} ${id} blocks`, r.n_blocks, d.blocks);
      same(`${period} ${id} reward_sat`, r.reward_sat, d.reward_sat);
      near(`${period} ${id} reward_eur`, r.reward_eur, d.reward_eur);
    }
  }
  return out;
}
