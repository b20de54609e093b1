import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from '../pipeline/runtime/index.js';
import type { EventBuilder } from './event-builder.js';
import type { EventPublisher } from './event-publisher.js';
import { FeedRequestError, MalformedResponseError } from './feed-errors.js';
import type { PriceProvider } from './price-provider.js';
import type { ProducerMetrics } from './producer-metrics.js';

/** Time of the last published point, per provider. */
export interface PriceCursorStore {
  get(provider: string): Promise<number | null>;
  set(provider: string, timeSec: number): Promise<void>;
}

/** `PriceCursorStore` in one Redis hash. */
export class RedisPriceCursorStore implements PriceCursorStore {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async get(provider: string): Promise<number | null> {
    const value = await this.redis.hget(this.key, provider);
    return value === null ? null : Number(value);
  }

  async set(provider: string, timeSec: number): Promise<void> {
    await this.redis.hset(this.key, provider, String(timeSec));
  }
}

/** `PriceCursorStore` in memory, for tests and one-shot runs. */
export class MemoryPriceCursorStore implements PriceCursorStore {
  private readonly times = new Map<string, number>();
  async get(provider: string): Promise<number | null> {
    return this.times.get(provider) ?? null;
  }
  async set(provider: string, timeSec: number): Promise<void> {
    this.times.set(provider, timeSec);
  }
}

/** Options of `PriceFeed`. */
export interface PriceFeedOptions {
  /** Providers polled, in the configured order; each keeps its own cursor. */
  providers: readonly PriceProvider[];
  cursors: PriceCursorStore;
  builder: EventBuilder;
  publisher: EventPublisher;
  clock: Clock;
  log: Logger;
  metrics: ProducerMetrics;
  /** On a fresh cursor, publish points after this time (Unix seconds); default: one day ago. */
  startTimeSec?: number;
}

/**
 * The BTC-EUR price feed: every configured provider is polled for points newer than its cursor,
 * which are published (key `BTC-EUR`, event time = the provider's timestamp) before the cursor
 * moves. One provider failing does not stop the others; it is logged once and counted.
 */
export class PriceFeed {
  constructor(private readonly options: PriceFeedOptions) {}

  /** One poll; returns the number of points published per provider (-1 for a failed provider). */
  async poll(): Promise<Record<string, number>> {
    const { providers, cursors, builder, publisher, clock, log, metrics } = this.options;
    const nowSec = Math.floor(clock.nowMs() / 1000);
    const result: Record<string, number> = {};
    for (const provider of providers) {
      const after = (await cursors.get(provider.name)) ?? this.options.startTimeSec ?? nowSec - 86_400;
      try {
        const points = await provider.fetchSince(after, nowSec);
        const published = await publisher.publish(
          'prices',
          points.map((p) => builder.price(p)),
        );
        const last = points[points.length - 1];
        if (last !== undefined) await cursors.set(provider.name, last.time);
        result[provider.name] = published;
      } catch (err) {
        result[provider.name] = -1;
        if (err instanceof MalformedResponseError) {
          await publisher.deadLetter('prices', [{ key: err.path, value: err.body, reason: 'malformed feed response', error: err }]);
        } else if (err instanceof FeedRequestError) {
          metrics.pollFailures.inc({ feed: `prices-${provider.name}` });
          log.error({ err, provider: provider.name }, 'price provider unreachable');
        } else {
          throw err;
        }
      }
    }
    return result;
  }
}
