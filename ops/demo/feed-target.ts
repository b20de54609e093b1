import type { Redis } from 'ioredis';
import type { Names } from '../../pipeline/contracts/names.js';
import type { RecordedFeedData } from '../../producers/feed-server/recorded-feed-data.js';

/** Where the producers' cursors stand once they have published everything a feed server holds. */
export interface FeedTarget {
  /** The feed server's tip block; null when it holds no block. */
  tip: { height: number; hash: string } | null;
  /** Per configured price provider that serves points: time (Unix s) of its last point. */
  priceCursors: Record<string, number>;
  /** Events recorded: blocks, transactions (coinbase included), price points served. */
  events: { blocks: number; transactions: number; prices: number };
}

/** How far the producers are: their cursors in Redis against the target. */
export interface PublishingProgress {
  blocks: { height: number; hash: string } | null;
  prices: Record<string, number | null>;
  /** True when the block cursor is at the tip and every price cursor at its last point. */
  done: boolean;
}

/**
 * The target for a feed server on `data` (see `RecordedFeedApi`): hourly points are served as
 * Kraken candles, the others as CoinGecko points; only `providers` (PRICE_PROVIDERS) are polled.
 */
export function feedTarget(data: RecordedFeedData, providers: readonly string[]): FeedTarget {
  const tip = data.tip();
  const served: Record<string, readonly { t: number }[]> = { kraken: data.hourlyPrices, coingecko: data.otherPrices };
  const priceCursors: Record<string, number> = {};
  let prices = 0;
  for (const provider of providers) {
    const last = served[provider]?.at(-1);
    if (last === undefined) continue;
    priceCursors[provider] = last.t;
    prices += served[provider]?.length ?? 0;
  }
  return {
    tip: tip === undefined ? null : { height: tip.height, hash: tip.hash },
    priceCursors,
    events: { blocks: data.blocks.length, transactions: data.blocks.reduce((s, b) => s + b.txCount, 0), prices },
  };
}

/**
 * Reads the producers' cursors (`names(ns).producerKeys`). A cursor moves only after Kafka
 * acknowledged what it covers, so `done` means every recorded event is in the raw topics.
 */
export async function publishingProgress(redis: Redis, n: Names, target: FeedTarget): Promise<PublishingProgress> {
  const cursor = await redis.hgetall(n.producerKeys.blocksCursor);
  const blocks = cursor.height === undefined || cursor.hash === undefined ? null : { height: Number(cursor.height), hash: cursor.hash };
  const stored = await redis.hgetall(n.producerKeys.pricesCursor);
  const prices: Record<string, number | null> = {};
  for (const provider of Object.keys(target.priceCursors)) prices[provider] = stored[provider] === undefined ? null : Number(stored[provider]);
  const blocksDone = target.tip === null || blocks?.hash === target.tip.hash;
  const pricesDone = Object.entries(target.priceCursors).every(([provider, t]) => (prices[provider] ?? -1) >= t);
  return { blocks, prices, done: blocksDone && pricesDone };
}
