import { bestChain, type ChainHeader } from '../pipeline/topology/domain/best-chain.js';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { BlockDoc, MinersDailyDoc, MinersMonthlyDoc, PriceDoc, TransactionDoc, VolumeHourlyDoc } from '../pipeline/contracts/documents.js';
import { type Names, RAW_FEEDS, type RawFeed } from '../pipeline/contracts/names.js';
import type { ConfirmedTxData } from '../pipeline/contracts/transaction-event.js';
import { decimalOfNumber, toPlainString } from '../pipeline/topology/domain/decimal.js';
import type { PoolIdentifier } from '../pipeline/topology/domain/pool-identifier.js';
import type { PriceRef } from '../pipeline/topology/domain/price-ref.js';
import { type BlockFacts, renderBlockDoc } from '../pipeline/topology/domain/render-block-doc.js';
import { type HourBlockPart, renderHourDoc } from '../pipeline/topology/domain/render-hour-doc.js';
import { type MinerBlockPart, renderMinerDoc } from '../pipeline/topology/domain/render-miner-doc.js';
import { renderTransactionDoc } from '../pipeline/topology/domain/render-transaction-doc.js';
import { blockEarnings } from '../pipeline/topology/domain/subsidy.js';
import { utcBuckets } from '../pipeline/topology/domain/utc-buckets.js';
import { parseRawRecord } from './raw-contracts.js';
import { readTopicsToEnd, type TopicEnds } from './raw-topic-reader.js';

/**
 * An independent recount of what Elasticsearch must hold, made from the raw topics alone (never
 * from the pipeline's Redis state, offsets or counters): every record from offset 0 to the end,
 * validated with the same zod contracts, deduplicated by key (block hash, txid, pair and time;
 * the first record of a key wins, as in the topology), then aggregated by the definitions of the
 * data set (`../shared/data/README.md`): UTC buckets of the block time, non-coinbase transactions
 * only in the hours, EUR = sats / 1e8 x the latest BTC-EUR point with t <= block time.
 *
 * Reused from `pipeline/topology/domain` (pure functions, no state): `PoolIdentifier` (the pool
 * rule with the configured file and order), `blockEarnings` (reward, subsidy, fees), `utcBuckets`,
 * exact decimals, and the `render-*` functions, which turn the recounted facts (counts, sums,
 * maxima, the price point) into the document shapes (ids, field names, BTC and EUR numbers), so
 * that a document is compared field for field. The counting itself is done here.
 *
 * Memory: the price points, one entry per block and per hour/pool bucket, and the set of txids
 * seen (for deduplication: about 100 bytes per confirmed transaction). Transaction documents are
 * handed out in batches and not kept.
 */

/** A document expected in an index, with its id. */
export interface ExpectedDoc<D> {
  id: string;
  doc: D;
}

/** Records of one raw topic. */
export interface FeedCount {
  /** Records read (offset 0 to the end). */
  records: number;
  /** Records that are not JSON or break the schema (the topology dead-letters them). */
  invalid: number;
  /** Valid records whose key was already seen (a producer retry or a replay). */
  duplicates: number;
  /** Distinct valid records: blocks, confirmed transactions, price points. */
  unique: number;
}

/** The expected results. */
export interface Recount {
  feeds: Record<RawFeed, FeedCount>;
  /** Valid unconfirmed transaction events (the pending view; never part of the results). */
  unconfirmed: number;
  /** End offset of every partition when the read began. */
  ends: TopicEnds;
  prices: Map<string, PriceDoc>;
  blocks: Map<string, BlockDoc>;
  transactions: { count: number; has(txid: string): boolean };
  volumeHourly: Map<string, VolumeHourlyDoc>;
  minersDaily: Map<string, MinersDailyDoc>;
  minersMonthly: Map<string, MinersMonthlyDoc>;
}

/** Options of `recountRawTopics`. */
export interface RecountOptions {
  kafka: Kafka;
  names: Names;
  pools: PoolIdentifier;
  log: Logger;
  /** Epoch ms; reading gives up after it. */
  deadlineMs: number;
  /** Receives the expected `btc-transactions` documents, in batches of up to `batchSize`. */
  onTransactionDocs?: (docs: ExpectedDoc<TransactionDoc>[]) => Promise<void>;
  /** Default 1,000. */
  batchSize?: number;
}

/** One (hour, block) part being counted. */
interface HourPart {
  height: number;
  time: number;
  txCount: number;
  volumeSat: bigint;
  max: { txid: string; sats: bigint; indexInBlock: number } | null;
}

const emptyCount = (): FeedCount => ({ records: 0, invalid: 0, duplicates: 0, unique: 0 });

/** Recounts the namespace's raw topics. */
export async function recountRawTopics(options: RecountOptions): Promise<Recount> {
  const { kafka, names: n, pools, log, deadlineMs } = options;
  const feeds: Record<RawFeed, FeedCount> = { blocks: emptyCount(), transactions: emptyCount(), prices: emptyCount() };
  const feedOf = new Map(RAW_FEEDS.map((f) => [n.topics[f], f]));
  const points = new Map<number, PriceRef>();
  const blockFacts = new Map<string, BlockFacts>();
  const headers: ChainHeader[] = [];

  // Pass 1: prices and blocks (small), so that transactions can be priced as they stream by.
  const endsA = await readTopicsToEnd(
    kafka,
    [n.topics.prices, n.topics.blocks],
    (records) => {
      for (const record of records) {
        const feed = feedOf.get(record.topic) as RawFeed;
        feeds[feed].records += 1;
        if (feed === 'prices') {
          const event = parseRawRecord('prices', record.value);
          if (event === null) feeds.prices.invalid += 1;
          else if (points.has(event.data.time)) feeds.prices.duplicates += 1;
          else {
            points.set(event.data.time, { t: event.data.time, price: toPlainString(decimalOfNumber(event.data.price_eur)), source: event.data.source });
            feeds.prices.unique += 1;
          }
        } else {
          const event = parseRawRecord('blocks', record.value);
          if (event === null) feeds.blocks.invalid += 1;
          else if (blockFacts.has(event.data.hash)) feeds.blocks.duplicates += 1;
          else {
            const b = event.data;
            const { pool } = pools.identify({ scriptHex: b.coinbase_script_hex, outputAddresses: b.coinbase_outputs.map((o) => o.address) });
            const earnings = blockEarnings(
              b.height,
              b.coinbase_outputs.map((o) => o.value_sat),
            );
            blockFacts.set(b.hash, {
              hash: b.hash,
              previousHash: b.previous_hash,
              height: b.height,
              time: b.time,
              pool,
              txCount: b.tx_count,
              ...earnings,
              orphaned: false,
              statusRev: 0,
            });
            headers.push({ hash: b.hash, previousHash: b.previous_hash, height: b.height, bits: 'bits' in b ? b.bits : null });
            feeds.blocks.unique += 1;
          }
        }
      }
    },
    { deadlineMs, log, groupPrefix: `${n.namespace}-recount` },
  );
  const priceAt = priceLookup([...points.values()]);
  // The best chain (the topology's own rule, docs/DATA.md "Reorgs"): blocks off it are orphaned.
  const best = bestChain(headers);
  for (const b of blockFacts.values()) b.orphaned = !best.has(b.hash);
  const onBest = (hash: string) => !blockFacts.has(hash) || best.has(hash);

  // Pass 2: transactions, counted into (hour, block) parts; documents handed out in batches.
  const seen = new Set<string>();
  const countedTx = new Set<string>();
  // A txid seen only in orphaned blocks so far: its document, unless a best-chain block mines it too.
  const orphanedDocs = new Map<string, ExpectedDoc<TransactionDoc> & { height: number; hash: string }>();
  const hourParts = new Map<string, Map<string, HourPart>>();
  const partOf = (hour: string, hash: string, height: number, time: number): HourPart => {
    let parts = hourParts.get(hour);
    if (parts === undefined) hourParts.set(hour, (parts = new Map()));
    let part = parts.get(hash);
    if (part === undefined) parts.set(hash, (part = { height, time, txCount: 0, volumeSat: 0n, max: null }));
    return part;
  };
  let unconfirmed = 0;
  const batchSize = options.batchSize ?? 1_000;
  let pending: ExpectedDoc<TransactionDoc>[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const docs = pending;
    pending = [];
    await options.onTransactionDocs?.(docs);
  };
  const endsB = await readTopicsToEnd(
    kafka,
    [n.topics.transactions],
    async (records) => {
      for (const record of records) {
        feeds.transactions.records += 1;
        const event = parseRawRecord('transactions', record.value);
        if (event === null) {
          feeds.transactions.invalid += 1;
          continue;
        }
        if (event.data.status === 'unconfirmed') {
          unconfirmed += 1;
          continue;
        }
        const tx: ConfirmedTxData = event.data;
        const counted = onBest(tx.block_hash);
        if (countedTx.has(tx.txid) || (seen.has(tx.txid) && counted === false && !orphanedDocs.has(tx.txid))) {
          feeds.transactions.duplicates += 1;
          continue;
        }
        if (!seen.has(tx.txid)) feeds.transactions.unique += 1;
        else feeds.transactions.duplicates += 1;
        seen.add(tx.txid);
        if (counted) countedTx.add(tx.txid);
        const facts = {
          txid: tx.txid,
          blockHash: tx.block_hash,
          blockHeight: tx.block_height,
          blockTime: tx.block_time,
          indexInBlock: tx.index_in_block,
          outputCount: tx.outputs.length,
          outputTotalSat: BigInt(tx.output_total_sat),
          orphaned: !counted,
          statusRev: 0,
        };
        if (!counted) {
          // Home of a transaction no counted block holds: the lowest block containing it (then the lower hash).
          const home = orphanedDocs.get(tx.txid);
          const lower = home === undefined || tx.block_height < home.height || (tx.block_height === home.height && tx.block_hash < home.hash);
          if (lower) orphanedDocs.set(tx.txid, { ...renderTransactionDoc(facts, priceAt(tx.block_time)), height: tx.block_height, hash: tx.block_hash });
          continue;
        }
        orphanedDocs.delete(tx.txid);
        const part = partOf(utcBuckets(tx.block_time).hour, tx.block_hash, tx.block_height, tx.block_time);
        if (!tx.is_coinbase) {
          const sats = BigInt(tx.output_total_sat);
          part.txCount += 1;
          part.volumeSat += sats;
          // Largest output total; ties: earlier position in the block.
          if (part.max === null || sats > part.max.sats || (sats === part.max.sats && tx.index_in_block < part.max.indexInBlock)) {
            part.max = { txid: tx.txid, sats, indexInBlock: tx.index_in_block };
          }
        }
        if (options.onTransactionDocs !== undefined) {
          const { id, doc } = renderTransactionDoc(facts, priceAt(tx.block_time));
          pending.push({ id, doc });
          if (pending.length >= batchSize) await flush();
        }
      }
    },
    { deadlineMs, log, groupPrefix: `${n.namespace}-recount` },
  );
  for (const { id, doc } of orphanedDocs.values()) pending.push({ id, doc });
  await flush();

  // A block counts in its hour even without a transaction event (SADD of the block state).
  for (const b of blockFacts.values()) if (!b.orphaned) partOf(utcBuckets(b.time).hour, b.hash, b.height, b.time);

  const prices = new Map<string, PriceDoc>();
  for (const p of points.values()) {
    prices.set(`BTC-EUR:${p.t}`, { '@timestamp': new Date(p.t * 1000).toISOString(), pair: 'BTC-EUR', price_eur: Number(p.price), source: p.source });
  }
  const blocks = new Map<string, BlockDoc>();
  for (const b of blockFacts.values()) blocks.set(b.hash, renderBlockDoc(b, priceAt(b.time)).doc);

  const volumeHourly = new Map<string, VolumeHourlyDoc>();
  for (const [hour, parts] of hourParts) {
    const blocksOfHour: HourBlockPart[] = [...parts].map(([hash, p]) => ({
      blockHash: hash,
      blockHeight: p.height,
      txCount: p.txCount,
      volumeSat: p.volumeSat,
      max: p.max,
      price: priceAt(p.time),
    }));
    volumeHourly.set(hour, renderHourDoc({ hour, rev: 1, blocks: blocksOfHour }).doc);
  }

  const minerBuckets = { day: new Map<string, MinerBlockPart[]>(), month: new Map<string, MinerBlockPart[]>() };
  for (const b of blockFacts.values()) {
    if (b.orphaned) continue;
    const buckets = utcBuckets(b.time);
    for (const period of ['day', 'month'] as const) {
      const key = `${buckets[period]}|${b.pool}`;
      const list = minerBuckets[period].get(key) ?? [];
      list.push({ blockHash: b.hash, rewardSat: b.rewardSat, price: priceAt(b.time) });
      minerBuckets[period].set(key, list);
    }
  }
  const minersOf = <D>(period: 'day' | 'month') => {
    const out = new Map<string, D>();
    for (const [key, list] of minerBuckets[period]) {
      const [bucket = '', ...pool] = key.split('|');
      const { id, doc } = renderMinerDoc({ period, bucket, pool: pool.join('|'), rev: 1, blocks: list });
      out.set(id, doc as D);
    }
    return out;
  };

  const ends: TopicEnds = new Map([...endsA, ...endsB]);
  return {
    feeds,
    unconfirmed,
    ends,
    prices,
    blocks,
    transactions: { count: seen.size, has: (txid) => seen.has(txid) },
    volumeHourly,
    minersDaily: minersOf<MinersDailyDoc>('day'),
    minersMonthly: minersOf<MinersMonthlyDoc>('month'),
  };
}

/** `t -> the latest point with point.t <= t`, or null before the first point. */
function priceLookup(points: PriceRef[]): (t: number) => PriceRef | null {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  return (t) => {
    let lo = 0;
    let hi = sorted.length - 1;
    let found: PriceRef | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = sorted[mid] as PriceRef;
      if (p.t <= t) {
        found = p;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}
