import type { BlockData } from '../../pipeline/contracts/block-event.js';
import type { PriceData } from '../../pipeline/contracts/price-event.js';
import type { ConfirmedTxData } from '../../pipeline/contracts/transaction-event.js';
import { eurOf } from '../../pipeline/topology/domain/amounts.js';
import { bestChain } from '../../pipeline/topology/domain/best-chain.js';
import { toNumber } from '../../pipeline/topology/domain/decimal.js';

/** The fields of each document that a reorg changes, as a recount from the published events gives them. */
export interface Recount {
  blocks: Map<string, { height: number; pool: string; reward_sat: number; orphaned: boolean }>;
  transactions: Map<string, { block_hash: string; block_height: number; index_in_block: number; output_total_sat: number; orphaned: boolean }>;
  volumeHourly: Map<
    string,
    {
      blocks: number;
      tx_count: number;
      volume_sat: number;
      volume_eur: number | null;
      max_tx_txid: string | null;
      max_tx_sat: number | null;
      max_tx_block_height: number | null;
    }
  >;
  minersDaily: Map<string, { blocks: number; reward_sat: number; reward_eur: number | null }>;
  minersMonthly: Map<string, { blocks: number; reward_sat: number; reward_eur: number | null }>;
}

const hourOf = (t: number) => `${new Date(t * 1000).toISOString().slice(0, 13)}:00:00Z`;
const dayOf = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const monthOf = (t: number) => new Date(t * 1000).toISOString().slice(0, 7);

/**
 * Recounts, straight from the events (no pipeline state), what every document must say: the best
 * chain by the shared rule, then per block, per txid (its home: the counted block with the lowest
 * height then hash, else the lowest of all), per hour and per pool and day or month, counting only
 * blocks on the best chain. Hours and pools seen only in orphaned blocks keep a document with zeros.
 */
export function recount(
  blocks: readonly BlockData[],
  txs: readonly ConfirmedTxData[],
  prices: readonly PriceData[],
  poolOf: (b: BlockData) => string,
): Recount {
  const byHash = new Map(blocks.map((b) => [b.hash, b]));
  const best = bestChain(blocks.map((b) => ({ hash: b.hash, previousHash: b.previous_hash, height: b.height, bits: b.bits ?? null })));
  const counted = (hash: string) => best.has(hash) || !byHash.has(hash);
  const sorted = [...prices].sort((a, b) => a.time - b.time);
  const priceAt = (t: number) => sorted.filter((p) => p.time <= t).at(-1) ?? null;
  const eur = (sats: number, t: number): number | null => {
    const p = priceAt(t);
    return p === null ? null : toNumber(eurOf(BigInt(sats), String(p.price_eur)));
  };
  const out: Recount = { blocks: new Map(), transactions: new Map(), volumeHourly: new Map(), minersDaily: new Map(), minersMonthly: new Map() };

  for (const b of blocks) {
    const reward = b.coinbase_outputs.reduce((s, o) => s + o.value_sat, 0);
    out.blocks.set(b.hash, { height: b.height, pool: poolOf(b), reward_sat: reward, orphaned: !best.has(b.hash) });
    for (const [map, bucket] of [
      [out.minersDaily, dayOf(b.time)],
      [out.minersMonthly, monthOf(b.time)],
    ] as const) {
      const id = `${bucket}:${poolOf(b)}`;
      const cur = map.get(id) ?? { blocks: 0, reward_sat: 0, reward_eur: 0 };
      if (best.has(b.hash)) {
        const e = eur(reward, b.time);
        map.set(id, {
          blocks: cur.blocks + 1,
          reward_sat: cur.reward_sat + reward,
          reward_eur: cur.reward_eur === null || e === null ? null : cur.reward_eur + e,
        });
      } else map.set(id, cur);
    }
  }

  const seen = new Map<string, ConfirmedTxData[]>();
  for (const tx of txs) {
    const list = seen.get(tx.txid) ?? [];
    if (!list.some((t) => t.block_hash === tx.block_hash)) list.push(tx);
    seen.set(tx.txid, list);
  }
  for (const [txid, list] of seen) {
    const rank = (t: ConfirmedTxData) => [counted(t.block_hash) ? 0 : 1, t.block_height, t.block_hash] as const;
    const home = [...list].sort((x, y) => {
      const [a, b] = [rank(x), rank(y)];
      return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
    })[0] as ConfirmedTxData;
    out.transactions.set(txid, {
      block_hash: home.block_hash,
      block_height: home.block_height,
      index_in_block: home.index_in_block,
      output_total_sat: home.output_total_sat,
      orphaned: !counted(home.block_hash),
    });
  }

  const hourBlocks = new Map<string, Set<string>>();
  for (const tx of txs) {
    const hour = hourOf(tx.block_time);
    hourBlocks.set(hour, (hourBlocks.get(hour) ?? new Set()).add(tx.block_hash));
  }
  for (const b of blocks) hourBlocks.set(hourOf(b.time), (hourBlocks.get(hourOf(b.time)) ?? new Set()).add(b.hash));
  for (const [hour, hashes] of hourBlocks) {
    const live = [...hashes].filter(counted);
    const inHour = [...new Map(txs.filter((t) => live.includes(t.block_hash) && !t.is_coinbase).map((t) => [`${t.block_hash}:${t.txid}`, t])).values()];
    let volumeEur: number | null = 0;
    for (const hash of live) {
      const time = inHour.find((t) => t.block_hash === hash)?.block_time ?? byHash.get(hash)?.time ?? 0;
      const e = eur(
        inHour.filter((t) => t.block_hash === hash).reduce((s, t) => s + t.output_total_sat, 0),
        time,
      );
      volumeEur = volumeEur === null || e === null ? null : volumeEur + e;
    }
    const max = [...inHour].sort(
      (x, y) => y.output_total_sat - x.output_total_sat || x.block_height - y.block_height || x.index_in_block - y.index_in_block,
    )[0];
    out.volumeHourly.set(hour, {
      blocks: live.length,
      tx_count: inHour.length,
      volume_sat: inHour.reduce((s, t) => s + t.output_total_sat, 0),
      volume_eur: volumeEur,
      max_tx_txid: max?.txid ?? null,
      max_tx_sat: max?.output_total_sat ?? null,
      max_tx_block_height: max?.block_height ?? null,
    });
  }
  return out;
}

/** The indices a recount covers. */
export const RECOUNT_INDICES = ['blocks', 'transactions', 'volumeHourly', 'minersDaily', 'minersMonthly'] as const;

/**
 * Every difference between the documents (`got`: id -> source, per index) and the recount: a
 * missing or unexpected document, or a field that differs (EUR fields by more than a cent).
 */
export function recountMismatches(got: (index: (typeof RECOUNT_INDICES)[number]) => ReadonlyMap<string, Record<string, unknown>>, want: Recount): string[] {
  const out: string[] = [];
  for (const key of RECOUNT_INDICES) {
    const docs = got(key);
    const expected = want[key] as Map<string, Record<string, unknown>>;
    for (const id of docs.keys()) if (!expected.has(id)) out.push(`${key}/${id}: unexpected document`);
    for (const [id, fields] of expected) {
      const doc = docs.get(id);
      if (doc === undefined) {
        out.push(`${key}/${id}: missing`);
        continue;
      }
      for (const [field, value] of Object.entries(fields)) {
        const ok =
          field.endsWith('_eur') && typeof value === 'number'
            ? Math.abs((doc[field] as number) - value) <= 0.01
            : JSON.stringify(doc[field]) === JSON.stringify(value);
        if (!ok) out.push(`${key}/${id} ${field}: ${JSON.stringify(doc[field])} != ${JSON.stringify(value)}`);
      }
    }
  }
  return out;
}
