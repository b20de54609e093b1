import type { TransactionDoc } from '../../contracts/documents.js';
import { btcNumber, eurOf } from './amounts.js';
import { toNumber } from './decimal.js';
import { documentVersion, type PriceRef, priceTimeIso } from './price-ref.js';

/** What a transaction document is rendered from: the txid in its home block (see docs/DATA.md, "Reorgs"). */
export interface TransactionFacts {
  txid: string;
  /** The home block: the counted block that contains it (lowest height, then hash), else the lowest of all. */
  blockHash: string;
  blockHeight: number;
  /** Block header time, Unix seconds. */
  blockTime: number;
  indexInBlock: number;
  outputCount: number;
  outputTotalSat: bigint;
  /** No block that contains it is on the best chain: it is not confirmed and counts nowhere. */
  orphaned: boolean;
  /** How many times its home or status changed (part of the document version). */
  statusRev: number;
}

/** The `btc-transactions` document of a confirmed transaction at a price, with its id and version. */
export function renderTransactionDoc(facts: TransactionFacts, price: PriceRef | null): { id: string; version: number; doc: TransactionDoc } {
  return {
    id: facts.txid,
    version: documentVersion(facts.statusRev, price),
    doc: {
      '@timestamp': new Date(facts.blockTime * 1000).toISOString(),
      txid: facts.txid,
      block_height: facts.blockHeight,
      block_hash: facts.blockHash,
      index_in_block: facts.indexInBlock,
      is_coinbase: facts.indexInBlock === 0,
      output_count: facts.outputCount,
      output_total_sat: Number(facts.outputTotalSat),
      output_total_btc: btcNumber(facts.outputTotalSat),
      output_total_eur: price === null ? null : toNumber(eurOf(facts.outputTotalSat, price.price)),
      price_eur: price === null ? null : Number(price.price),
      price_time: price === null ? null : priceTimeIso(price),
      orphaned: facts.orphaned,
    },
  };
}
