import type { Redis } from 'ioredis';
import type { ConfirmedTxData } from '../../contracts/transaction-event.js';
import type { PriceData } from '../../contracts/price-event.js';
import { InvariantError, LuaScript, RetriableError } from '../../runtime/index.js';
import { bestChain, type ChainHeader, REORG_WINDOW } from '../domain/best-chain.js';
import type { BlockFacts } from '../domain/render-block-doc.js';
import type { TransactionFacts } from '../domain/render-transaction-doc.js';
import type { HourSnapshot } from '../domain/render-hour-doc.js';
import type { MinerSnapshot } from '../domain/render-miner-doc.js';
import type { PriceRef } from '../domain/price-ref.js';
import { decimalOfNumber, toPlainString } from '../domain/decimal.js';
import { utcBuckets } from '../domain/utc-buckets.js';
import { APPLY_BLOCK, APPLY_PRICE, APPLY_TRANSACTIONS, CLAIM_DIRTY, CLEAR_DIRTY, READ_CHAIN, SNAPSHOT_AGGREGATE, SNAPSHOT_BLOCK } from './analytics-scripts.js';

/** The pair whose points price the EUR fields. */
export const EUR_PAIR = 'BTC-EUR';

const scripts = {
  transactions: new LuaScript(APPLY_TRANSACTIONS),
  block: new LuaScript(APPLY_BLOCK),
  readChain: new LuaScript(READ_CHAIN),
  price: new LuaScript(APPLY_PRICE),
  snapshotBlock: new LuaScript(SNAPSHOT_BLOCK),
  snapshotAggregate: new LuaScript(SNAPSHOT_AGGREGATE),
  claim: new LuaScript(CLAIM_DIRTY),
  clear: new LuaScript(CLEAR_DIRTY),
};

/** Key of a dirty aggregate. */
export type AggregateKey = string;

/** The block event's facts as the block state bolt computed them (pool, reward, fees), with the header's `bits` when the event has them. */
export type NewBlock = Omit<BlockFacts, 'orphaned' | 'statusRev'> & { bits?: number | undefined };

/** A document to render with the price it is rendered at. */
export interface Priced<F> {
  facts: F;
  price: PriceRef | null;
}

/** What applying a confirmed transaction gives: whether it was new, its document and price, the aggregates it touched. */
export interface AppliedTransaction extends Priced<TransactionFacts> {
  isNew: boolean;
  touched: AggregateKey[];
}

/** Attempts of `applyBlock` when the chain keeps changing under it (another task applying a block meanwhile). */
const CHAIN_ATTEMPTS = 20;

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

  /**
   * Counts a confirmed transaction once in its block; returns the document of its txid (rendered
   * from its home block, which may be another block that contains the same txid) and its price.
   */
  async applyTransaction(tx: ConfirmedTxData): Promise<AppliedTransaction> {
    return (await this.applyTransactions([tx]))[0] as AppliedTransaction;
  }

  /**
   * `applyTransaction` for each of `txs`, in order, in one atomic script (one round trip): the
   * results are the ones the calls one by one would give, in the same order.
   */
  async applyTransactions(txs: readonly ConfirmedTxData[]): Promise<AppliedTransaction[]> {
    if (txs.length === 0) return [];
    const args: string[] = [this.prefix, EUR_PAIR];
    for (const tx of txs) {
      const b = utcBuckets(tx.block_time);
      const coinbase = tx.is_coinbase ? 1 : 0;
      args.push(
        `${tx.txid}|${tx.block_hash}|${tx.block_height}|${tx.block_time}|${b.hour}|${b.day}|${b.month}|${tx.index_in_block}|${tx.output_total_sat}|${tx.outputs.length}|${coinbase}`,
      );
    }
    const replies = asArray(await scripts.transactions.run(this.redis, [], args));
    if (replies.length !== txs.length) {
      throw new InvariantError('transaction script answered for another number of transactions', { sent: txs.length, got: replies.length });
    }
    return replies.map((reply, i) => parseAppliedTransaction((txs[i] as ConfirmedTxData).txid, reply));
  }

  /**
   * Records a block once (the first event fixes its facts) and applies the best-chain rule
   * (`domain/best-chain.ts`) to the blocks from `REORG_WINDOW` heights below it up: every block
   * whose status changes is flipped, with its aggregates and transactions, in one script. The
   * rule runs here on a snapshot of the chain; the script applies it only if the chain did not
   * change since (else this reads again). Returns the block's stored facts, its price, the
   * aggregates changed and the blocks whose status changed (their documents must be rendered again).
   */
  async applyBlock(block: NewBlock): Promise<{ isNew: boolean; facts: BlockFacts; price: PriceRef | null; touched: AggregateKey[]; flipped: string[] }> {
    const b = utcBuckets(block.time);
    for (let attempt = 1; attempt <= CHAIN_ATTEMPTS; attempt += 1) {
      const chain = await this.readChain(block.height - REORG_WINDOW);
      const known = chain.blocks.some((h) => h.hash === block.hash);
      const self = { hash: block.hash, previousHash: block.previousHash, height: block.height, bits: block.bits ?? null };
      const best = bestChain(known ? chain.blocks : [...chain.blocks, self]);
      const statuses: string[] = [];
      for (const h of chain.blocks) if (h.orphan === best.has(h.hash)) statuses.push(h.hash, best.has(h.hash) ? '0' : '1');
      if (!known) statuses.push(block.hash, best.has(block.hash) ? '0' : '1');
      const reply = asArray(
        await scripts.block.run(
          this.redis,
          [],
          [
            this.prefix,
            EUR_PAIR,
            block.hash,
            block.height,
            block.time,
            b.hour,
            b.day,
            b.month,
            block.pool,
            block.rewardSat.toString(),
            block.subsidySat.toString(),
            block.feesSat.toString(),
            block.txCount,
            block.previousHash,
            block.bits === undefined ? '' : String(block.bits),
            chain.rev,
            ...statuses,
          ],
        ),
      );
      if (reply[0] === 'retry') continue;
      return {
        isNew: reply[0] === 1,
        facts: {
          hash: block.hash,
          height: block.height,
          time: block.time,
          pool: String(reply[1]),
          rewardSat: BigInt(String(reply[2])),
          subsidySat: BigInt(String(reply[3])),
          feesSat: BigInt(String(reply[4])),
          txCount: Number(reply[5]),
          previousHash: String(reply[6]),
          orphaned: reply[7] === '1',
          statusRev: Number(reply[8]),
        },
        price: parsePrice(reply[9]),
        touched: unique(strings(reply[10])),
        flipped: strings(reply[11]),
      };
    }
    throw new RetriableError(`the chain changed under block ${block.hash} ${CHAIN_ATTEMPTS} times in a row`);
  }

  /** The input of the best-chain rule from `minHeight` up and the chain revision it was read at. */
  async readChain(minHeight: number): Promise<{ rev: string; blocks: (ChainHeader & { orphan: boolean })[] }> {
    const reply = asArray(await scripts.readChain.run(this.redis, [], [this.prefix, Math.max(0, minHeight)]));
    return {
      rev: String(reply[0]),
      blocks: reply
        .slice(1)
        .map(asArray)
        .map((r) => ({
          hash: String(r[0]),
          height: Number(r[1]),
          previousHash: String(r[2]),
          bits: r[3] === '' ? null : Number(r[3]),
          orphan: r[4] === '1',
        })),
    };
  }

  /** Adds a price point once; returns the stored point (the first of its time) and the blocks it prices (aggregates already marked dirty when new). */
  async applyPrice(point: PriceData): Promise<{ isNew: boolean; stored: PriceRef; repriced: string[]; touched: AggregateKey[] }> {
    const price = toPlainString(decimalOfNumber(point.price_eur));
    const reply = asArray(await scripts.price.run(this.redis, [], [this.prefix, point.pair, point.time, price, point.source]));
    const stored = parsePrice(`${point.time}|${String(reply[3])}`) as PriceRef;
    return { isNew: reply[0] === 1, stored, repriced: strings(reply[1]), touched: strings(reply[2]) };
  }

  /**
   * The stored facts of a block (null until its block event is processed) with its price, and the
   * document of every txid it contains, each rendered from its home block at that block's price.
   */
  async snapshotBlock(hash: string): Promise<{ block: BlockFacts | null; transactions: Priced<TransactionFacts>[]; price: PriceRef | null }> {
    const reply = asArray(await scripts.snapshotBlock.run(this.redis, [], [this.prefix, EUR_PAIR, hash]));
    const fields = pairs(asArray(reply[0]));
    const transactions = asArray(reply[1])
      .map(asArray)
      .map((r) => parseTxRow(String(r[0]), r.slice(1)));
    const pool = fields.get('pool');
    const block: BlockFacts | null =
      pool === undefined
        ? null
        : {
            hash,
            pool,
            height: Number(fields.get('height')),
            time: Number(fields.get('time')),
            previousHash: fields.get('previous_hash') ?? '',
            txCount: Number(fields.get('tx_count')),
            rewardSat: BigInt(fields.get('reward') ?? '0'),
            subsidySat: BigInt(fields.get('subsidy') ?? '0'),
            feesSat: BigInt(fields.get('fees') ?? '0'),
            orphaned: fields.get('orphan') === '1',
            statusRev: Number(fields.get('srev') ?? '0'),
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

/** Parses a document row of the scripts' `tx_doc`: home, height, time, `index|sats|outputs`, counted (1/0), rev, price. */
function parseTxRow(txid: string, row: readonly unknown[]): Priced<TransactionFacts> {
  const [index, sats, outputs] = String(row[3]).split('|');
  return {
    facts: {
      txid,
      blockHash: String(row[0]),
      blockHeight: Number(row[1]),
      blockTime: Number(row[2]),
      indexInBlock: Number(index),
      outputTotalSat: BigInt(sats ?? '0'),
      outputCount: Number(outputs),
      orphaned: row[4] !== 1,
      statusRev: Number(row[5]),
    },
    price: parsePrice(row[6]),
  };
}

/** Parses the transaction script's string for one transaction (see `APPLY_TRANSACTIONS`). */
function parseAppliedTransaction(txid: string, reply: unknown): AppliedTransaction {
  if (typeof reply !== 'string') throw new InvariantError('unexpected reply of the transaction script', { reply });
  const lines = reply.split('\n');
  const touchedCount = Number(lines[7]);
  const touched = lines.slice(8, 8 + touchedCount);
  const price = lines.slice(8 + touchedCount).join('\n');
  const row = [lines[1], lines[2], lines[3], lines[4], Number(lines[5]), lines[6], price === '' ? null : price];
  return { isNew: lines[0] === '1', ...parseTxRow(txid, row), touched: unique(touched) };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
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
