import type { VolumeHourlyDoc } from '../../contracts/documents.js';
import { btcNumber, eurOf } from './amounts.js';
import { add, type Decimal, toNumber, ZERO } from './decimal.js';
import { largestTransaction, type TxCandidate } from './max-transaction.js';
import type { PriceRef } from './price-ref.js';
import { bucketStartIso } from './utc-buckets.js';

/** One block's contribution to an hour: its non-coinbase count, sum and largest transaction. */
export interface HourBlockPart {
  blockHash: string;
  blockHeight: number;
  txCount: number;
  volumeSat: bigint;
  /** Largest non-coinbase transaction of the block (ties: earlier position), null if none. */
  max: { txid: string; sats: bigint; indexInBlock: number } | null;
  price: PriceRef | null;
}

/** Snapshot of an hour aggregate at revision `rev`. */
export interface HourSnapshot {
  hour: string;
  rev: number;
  blocks: readonly HourBlockPart[];
}

/**
 * The `btc-volume-hourly` document of an hour. EUR is the exact sum over blocks of the block's
 * volume at the block's price; null while any block of the hour has no price yet.
 */
export function renderHourDoc(snapshot: HourSnapshot): { id: string; version: number; doc: VolumeHourlyDoc } {
  let txCount = 0;
  let volumeSat = 0n;
  let volumeEur: Decimal | null = ZERO;
  const candidates: (TxCandidate & { price: PriceRef | null })[] = [];
  for (const b of snapshot.blocks) {
    txCount += b.txCount;
    volumeSat += b.volumeSat;
    volumeEur = volumeEur === null || b.price === null ? null : add(volumeEur, eurOf(b.volumeSat, b.price.price));
    if (b.max !== null) {
      candidates.push({ txid: b.max.txid, sats: b.max.sats, blockHeight: b.blockHeight, indexInBlock: b.max.indexInBlock, price: b.price });
    }
  }
  const max = largestTransaction(candidates) as (TxCandidate & { price: PriceRef | null }) | null;
  return {
    id: snapshot.hour,
    version: snapshot.rev,
    doc: {
      '@timestamp': bucketStartIso(snapshot.hour),
      hour: snapshot.hour,
      blocks: snapshot.blocks.length,
      tx_count: txCount,
      volume_sat: Number(volumeSat),
      volume_btc: btcNumber(volumeSat),
      volume_eur: volumeEur === null ? null : toNumber(volumeEur),
      max_tx_txid: max?.txid ?? null,
      max_tx_block_height: max?.blockHeight ?? null,
      max_tx_index_in_block: max?.indexInBlock ?? null,
      max_tx_sat: max === null ? null : Number(max.sats),
      max_tx_btc: max === null ? null : btcNumber(max.sats),
      max_tx_eur: max === null || max.price === null ? null : toNumber(eurOf(max.sats, max.price.price)),
    },
  };
}
