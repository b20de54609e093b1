import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Clock } from '../pipeline/runtime/index.js';
import type { UnconfirmedTxData } from '../pipeline/contracts/transaction-event.js';
import type { EventBuilder } from './event-builder.js';
import type { EventPublisher } from './event-publisher.js';
import { MalformedResponseError } from './feed-errors.js';
import type { FeedGetter } from './feed-http-client.js';
import type { ProducerMetrics } from './producer-metrics.js';

/** One entry of Esplora's `GET /mempool/recent`. */
const RecentTxSchema = z.looseObject({
  txid: z.string(),
  fee: z.number(),
  vsize: z.number(),
  value: z.number(),
});
const RecentSchema = z.array(z.unknown());

/** Remembers which txids were already published. */
export interface SeenSet {
  /** The subset of `txids` not seen yet. */
  unseen(txids: readonly string[]): Promise<string[]>;
  /** Marks `txids` as seen (for the set's time to live). */
  add(txids: readonly string[]): Promise<void>;
}

/** `SeenSet` as one expiring Redis key per txid. */
export class RedisSeenSet implements SeenSet {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  async unseen(txids: readonly string[]): Promise<string[]> {
    if (txids.length === 0) return [];
    const flags = await this.redis.mget(...txids.map((t) => this.prefix + t));
    return txids.filter((_, i) => flags[i] === null);
  }

  async add(txids: readonly string[]): Promise<void> {
    if (txids.length === 0) return;
    const tx = this.redis.multi();
    for (const txid of txids) tx.set(this.prefix + txid, '1', 'EX', this.ttlSeconds);
    await tx.exec();
  }
}

/** Options of `MempoolFeed`. */
export interface MempoolFeedOptions {
  http: FeedGetter;
  seen: SeenSet;
  builder: EventBuilder;
  publisher: EventPublisher;
  clock: Clock;
  metrics: ProducerMetrics;
}

/**
 * The unconfirmed-transaction feed: polls `GET /mempool/recent`, publishes each txid once (status
 * `unconfirmed`, event time = when first seen) and marks it seen after Kafka acknowledged it.
 * Entries that do not validate go to the dead-letter topic one by one.
 */
export class MempoolFeed {
  constructor(private readonly options: MempoolFeedOptions) {}

  /** One poll; returns how many new transactions were published. */
  async poll(): Promise<number> {
    const { http, seen, builder, publisher, clock, metrics } = this.options;
    const path = '/mempool/recent';
    let entries: unknown[];
    try {
      const body = await http.getJson(path);
      const parsed = RecentSchema.safeParse(body);
      if (!parsed.success) throw new MalformedResponseError({ feed: 'mempool', path, body: JSON.stringify(body), problem: 'not an array' });
      entries = parsed.data;
    } catch (err) {
      if (!(err instanceof MalformedResponseError)) throw err;
      await publisher.deadLetter('transactions', [{ key: path, value: err.body, reason: 'malformed feed response', error: err }]);
      return 0;
    }
    const firstSeenMs = clock.nowMs();
    const candidates = new Map<string, unknown>();
    for (const entry of entries) {
      const txid = RecentTxSchema.safeParse(entry).data?.txid;
      candidates.set(txid ?? `invalid:${candidates.size}`, entry);
    }
    const valid = [...candidates.keys()].filter((k) => !k.startsWith('invalid:'));
    const fresh = new Set(await seen.unseen(valid));
    metrics.duplicatesSkipped.inc({ feed: 'mempool' }, valid.length - fresh.size);
    const events = [];
    for (const [txid, entry] of candidates) {
      if (!fresh.has(txid) && !txid.startsWith('invalid:')) continue;
      const tx = RecentTxSchema.safeParse(entry).data;
      const data: UnconfirmedTxData | Record<string, unknown> = tx
        ? { status: 'unconfirmed', txid: tx.txid, output_total_sat: tx.value, fee_sat: tx.fee, vsize: tx.vsize }
        : { status: 'unconfirmed', entry };
      events.push(builder.unconfirmedTransaction(data as UnconfirmedTxData, firstSeenMs));
    }
    const published = await publisher.publish('transactions', events);
    await seen.add([...fresh]);
    return published;
  }
}
