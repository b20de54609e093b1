import type { MinersDailyDoc, MinersMonthlyDoc } from '../../contracts/documents.js';
import { btcNumber, eurOf } from './amounts.js';
import { add, type Decimal, toNumber, ZERO } from './decimal.js';
import type { PriceRef } from './price-ref.js';
import { bucketStartIso } from './utc-buckets.js';

/** One block of a pool in a day or month. */
export interface MinerBlockPart {
  blockHash: string;
  rewardSat: bigint;
  price: PriceRef | null;
}

/** Snapshot of a pool's day or month aggregate at revision `rev`. */
export interface MinerSnapshot {
  period: 'day' | 'month';
  /** `YYYY-MM-DD` or `YYYY-MM`. */
  bucket: string;
  pool: string;
  rev: number;
  blocks: readonly MinerBlockPart[];
}

/** Document id of a pool's bucket: `<bucket>:<pool>`. */
export function minerDocId(bucket: string, pool: string): string {
  return `${bucket}:${pool}`;
}

/** The `btc-miners-daily` or `btc-miners-monthly` document; EUR is null while a block has no price. */
export function renderMinerDoc(snapshot: MinerSnapshot): { id: string; version: number; doc: MinersDailyDoc | MinersMonthlyDoc } {
  let rewardSat = 0n;
  let rewardEur: Decimal | null = ZERO;
  for (const b of snapshot.blocks) {
    rewardSat += b.rewardSat;
    rewardEur = rewardEur === null || b.price === null ? null : add(rewardEur, eurOf(b.rewardSat, b.price.price));
  }
  const common = {
    '@timestamp': bucketStartIso(snapshot.bucket),
    pool: snapshot.pool,
    blocks: snapshot.blocks.length,
    reward_sat: Number(rewardSat),
    reward_btc: btcNumber(rewardSat),
    reward_eur: rewardEur === null ? null : toNumber(rewardEur),
  };
  return {
    id: minerDocId(snapshot.bucket, snapshot.pool),
    version: snapshot.rev,
    doc: snapshot.period === 'day' ? { ...common, day: snapshot.bucket } : { ...common, month: snapshot.bucket },
  };
}
