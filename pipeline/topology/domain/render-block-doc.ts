import type { BlockDoc } from '../../contracts/documents.js';
import { btcNumber, eurOf } from './amounts.js';
import { toNumber } from './decimal.js';
import { documentVersion, type PriceRef, priceTimeIso } from './price-ref.js';
import { utcBuckets } from './utc-buckets.js';

/** What a block document is rendered from (all amounts exact). */
export interface BlockFacts {
  hash: string;
  previousHash: string;
  height: number;
  /** Header time, Unix seconds. */
  time: number;
  pool: string;
  txCount: number;
  rewardSat: bigint;
  subsidySat: bigint;
  feesSat: bigint;
  /** Off the best chain: nothing of it is counted. */
  orphaned: boolean;
  /** How many times its best-chain status changed (part of the document version). */
  statusRev: number;
}

/** The `btc-blocks` document of a block at a price, with its id and external version. */
export function renderBlockDoc(facts: BlockFacts, price: PriceRef | null): { id: string; version: number; doc: BlockDoc } {
  const buckets = utcBuckets(facts.time);
  const eur = (sats: bigint) => (price === null ? null : toNumber(eurOf(sats, price.price)));
  return {
    id: facts.hash,
    version: documentVersion(facts.statusRev, price),
    doc: {
      '@timestamp': new Date(facts.time * 1000).toISOString(),
      height: facts.height,
      hash: facts.hash,
      previous_hash: facts.previousHash,
      pool: facts.pool,
      tx_count: facts.txCount,
      reward_sat: Number(facts.rewardSat),
      reward_btc: btcNumber(facts.rewardSat),
      reward_eur: eur(facts.rewardSat),
      subsidy_sat: Number(facts.subsidySat),
      fees_sat: Number(facts.feesSat),
      fees_btc: btcNumber(facts.feesSat),
      fees_eur: eur(facts.feesSat),
      day: buckets.day,
      month: buckets.month,
      price_eur: price === null ? null : Number(price.price),
      price_time: price === null ? null : priceTimeIso(price),
      orphaned: facts.orphaned,
    },
  };
}
