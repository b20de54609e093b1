import type { Redis } from 'ioredis';
import type { ConfirmedTxData } from '../../contracts/transaction-event.js';
import type { PriceData } from '../../contracts/price-event.js';
import { InvariantError, LuaScript } from '../../runtime/index.js';
import type { BlockFacts } from '../domain/render-block-doc.js';
import type { TransactionFacts } from '../domain/render-transaction-doc.js';
import type { HourSnapshot } from '../domain/render-hour-doc.js';
import type { MinerSnapshot } from '../domain/render-miner-doc.js';
import type { PriceRef } from '../domain/price-ref.js';
import { decimalOfNumber, toPlainString } from '../domain/decimal.js';
import { utcBuckets } from '../domain/utc-buckets.js';
import {
  APPLY_BLOCK,
  APPLY_PRICE,
  APPLY_TRANSACTION,
  CLAIM_DIRTY,
  CLEAR_DIRTY,
  SNAPSHOT_AGGREGATE,
  SNAPSHOT_BLOCK,
} from './analytics-scripts.js';

/** The pair whose points price the EUR fields. */
export const EUR_PAIR = 'BTC-EUR';

const scripts = {
  transaction: new LuaScript(APPLY_TRANSACTION),
  block: new LuaScript(APPLY_BLOCK),
  price: new LuaScript(APPLY_PRICE),
  snapshotBlock: new LuaScript(SNAPSHOT_BLOCK),
  snapshotAggregate: new LuaScript(SNAPSHOT_AGGREGATE),
  claim: new LuaScript(CLAIM_DIRTY),
  clear: new LuaScript(CLEAR_DIRTY),
};

/** Key of a dirty aggregate. */
export type AggregateKey = string;

/** The block event's facts as the block state bolt computed them (pool, reward, fees). */
export interface NewBlock extends BlockFacts {}

/**
 * The state of the analytics topology in Redis: what each aggregate has counted, the price
 * table and the dirty aggregates. Every change is one Lua script (see `analytics-scripts.ts`),
 * so concurrent tasks on several workers never see half a change.
 */
export class AnalyticsState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Counts a confirmed transaction once; returns its stored facts and its price. */
  async applyTransaction(tx: ConfirmedTxData): Promise<{ isNew: boolean; facts: TransactionFacts; price: PriceRef | null; touched: AggregateKey[] }> {
    const b = utcBuckets(tx.block_time);
    const reply = asArray(
      await scripts.transaction.run(this.redis, [], [
        this.prefix, EUR_PAIR, tx.txid, tx.block_hash, tx.block_height, tx.block_time, b.hour, b.day, b.month,
        tx.index_in_block, tx.output_total_sat, tx.outputs.length, tx.is_coinbase ? 1 : 0,
      ]),
    );
    const [index, sats, outputs] = String(reply[1]).split('|');
    return {
      isNew: reply[0] === 1,
      facts: {
        txid: tx.txid,
        blockHash: tx.block_hash,
        blockHeight: tx.block_height,
        blockTime: tx.block_time,
        indexInBlock: Number(index),
        outputTotalSat: BigInt(sats ?? '0'),
        outputCount: Number(outputs),
      },
      price: parsePrice(reply[2]),
      touched: strings(reply[3]),
    };
  }

  /** Records a block once (the first event fixes its facts); returns the stored facts and its price. */
  async applyBlock(block: NewBlock): Promise<{ isNew: boolean; facts: BlockFacts; price: PriceRef | null; touched: AggregateKey[] }> {
    const b = utcBuckets(block.time);
    const reply = asArray(
      await scripts.block.run(this.redis, [], [
        this.prefix, EUR_PAIR, block.hash, block.height, block.time, b.hour, b.day, b.month, block.pool,
        block.rewardSat.toString(), block.subsidySat.toString(), block.feesSat.toString(), block.txCount, block.previousHash,
      ]),
    );
    return {
      isNew: reply[0] === 1,
      facts: {
        ...block,
        pool: String(reply[1]),
        rewardSat: BigInt(String(reply[2])),
        subsidySat: BigInt(String(reply[3])),
        feesSat: BigInt(String(reply[4])),
        txCount: Number(reply[5]),
        previousHash: String(reply[6]),
      },
      price: parsePrice(reply[7]),
      touched: strings(reply[8]),
    };
  }

  /** Adds a price point once; returns the stored point (the first of its time) and the blocks it prices (aggregates already marked dirty when new). */
  async applyPrice(point: PriceData): Promise<{ isNew: boolean; stored: PriceRef; repriced: string[]; touched: AggregateKey[] }> {
    const price = toPlainString(decimalOfNumber(point.price_eur));
    const reply = asArray(await scripts.price.run(this.redis, [], [this.prefix, point.pair, point.time, price, point.source]));
    const stored = parsePrice(`${point.time}|${String(reply[3])}`) as PriceRef;
    return { isNew: reply[0] === 1, stored, repriced: strings(reply[1]), touched: strings(reply[2]) };
  }

  /** The stored facts of a block (null until its block event is processed), its transactions and its price. */
  async snapshotBlock(hash: string): Promise<{ block: BlockFacts | null; transactions: TransactionFacts[]; price: PriceRef | null }> {
    const reply = asArray(await scripts.snapshotBlock.run(this.redis, [], [this.prefix, EUR_PAIR, hash]));
    const fields = pairs(asArray(reply[0]));
    const height = Number(fields.get('height'));
    const time = Number(fields.get('time'));
    const transactions: TransactionFacts[] = [];
    for (const [txid, value] of pairs(asArray(reply[1]))) {
      const [index, sats, outputs] = value.split('|');
      transactions.push({
        txid, blockHash: hash, blockHeight: height, blockTime: time,
        indexInBlock: Number(index), outputTotalSat: BigInt(sats ?? '0'), outputCount: Number(outputs),
      });
    }
    const pool = fields.get('pool');
    const block: BlockFacts | null =
      pool === undefined
        ? null
        : {
            hash, height, time, pool,
            previousHash: fields.get('previous_hash') ?? '',
            txCount: Number(fields.get('tx_count')),
            rewardSat: BigInt(fields.get('reward') ?? '0'),
            subsidySat: BigInt(fields.get('subsidy') ?? '0'),
            feesSat: BigInt(fields.get('fees') ?? '0'),
          };
    return { block, transactions, price: parsePrice(reply[2]) };
  }

  /** Claims up to `limit` dirty aggregates for `leaseMs` (they return if not cleared in time). */
  async claimDirty(nowMs: number, leaseMs: number, limit: number): Promise<AggregateKey[]> {
    return asArray(await scripts.claim.run(this.redis, [], [this.prefix, Math.floor(nowMs), leaseMs, limit])).map(String);
  }

  /** A consistent snapshot of an aggregate and its revision. */
  async snapshotAggregate(key: AggregateKey): Promise<HourSnapshot | MinerSnapshot> {
    const reply = asArray(await scripts.snapshotAggregate.run(this.redis, [], [this.prefix, EUR_PAIR, key]));
    const rev = Number(reply[0]);
    const [kind, bucket = '', ...rest] = key.split('|');
    const rows = reply.slice(1).map(asArray);
    if (kind === 'hour') {
      return {
        hour: bucket,
        rev,
        blocks: rows.map((r) => {
          const max = r[4] === null || r[4] === undefined ? null : String(r[4]).split('|');
          return {
            blockHash: String(r[0]),
            blockHeight: Number(r[1]),
            txCount: Number(r[2]),
            volumeSat: BigInt(String(r[3])),
            max: max === null ? null : { sats: BigInt(max[0] ?? '0'), indexInBlock: Number(max[1]), txid: max[2] ?? '' },
            price: parsePrice(r[5]),
          };
        }),
      };
    }
    if (kind !== 'day' && kind !== 'month') throw new InvariantError('unknown aggregate key', { key });
    return {
      period: kind,
      bucket,
      pool: rest.join('|'),
      rev,
      blocks: rows.map((r) => ({ blockHash: String(r[0]), rewardSat: BigInt(String(r[1])), price: parsePrice(r[2]) })),
    };
  }

  /** Clears a dirty aggregate whose document at `rev` is written, unless it changed since. */
  async clearDirty(key: AggregateKey, rev: number): Promise<boolean> {
    return (await scripts.clear.run(this.redis, [], [this.prefix, key, String(rev)])) === 1;
  }

  /** Number of aggregates waiting to be rendered. */
  async dirtyCount(): Promise<number> {
    return this.redis.zcard(`${this.prefix}dirty`);
  }
}

function asArray(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new InvariantError('unexpected reply of an analytics script', { value });
  return value;
}

function strings(value: unknown): string[] {
  return value === null || value === undefined ? [] : asArray(value).map(String);
}

function pairs(flat: readonly unknown[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) out.set(String(flat[i]), String(flat[i + 1]));
  return out;
}

/** Parses `t|price|source` as written by the scripts' `price_at`. */
export function parsePrice(value: unknown): PriceRef | null {
  if (value === null || value === undefined || value === false) return null;
  const [t, price, ...source] = String(value).split('|');
  if (t === undefined || price === undefined) throw new InvariantError('malformed price in state', { value });
  return { t: Number(t), price, source: source.join('|') };
}
