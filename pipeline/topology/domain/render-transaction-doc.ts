import type { TransactionDoc } from '../../contracts/documents.js';
import { btcNumber, eurOf } from './amounts.js';
import { toNumber } from './decimal.js';
import { type PriceRef, priceTimeIso, priceVersion } from './price-ref.js';

/** What a transaction document is rendered from. */
export interface TransactionFacts {
  txid: string;
  blockHash: string;
  blockHeight: number;
  /** Block header time, Unix seconds. */
  blockTime: number;
  indexInBlock: number;
  outputCount: number;
  outputTotalSat: bigint;
}

/** The `btc-transactions` document of a confirmed transaction at a price, with its id and version. */
export function renderTransactionDoc(
  facts: TransactionFacts,
  price: PriceRef | null,
): { id: string; version: number; doc: TransactionDoc } {
  return {
    id: facts.txid,
    version: priceVersion(price),
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
    },
  };
}
