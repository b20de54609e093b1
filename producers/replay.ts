import type { Logger } from 'pino';
import type { Clock } from '../pipeline/runtime/index.js';
import type { RawFeed } from '../pipeline/contracts/names.js';
import { EventBuilder } from './event-builder.js';
import type { EventPublisher } from './event-publisher.js';
import { RatePacer } from './rate-pacer.js';
import { readRecorded } from './recorded-source.js';

/** Options of `replay`. */
export interface ReplayOptions {
  /** Directory in the layout of `../shared/data`. */
  dir: string;
  publisher: EventPublisher;
  clock: Clock;
  log: Logger;
  /** Events per second; null: as fast as the cluster acknowledges. */
  rate: number | null;
  /** Events per send when unpaced; default 1,000. */
  batchSize?: number;
}

/** What a replay published. */
export interface ReplayStats {
  events: Record<RawFeed, number>;
  deadLetters: number;
  elapsedMs: number;
  eventsPerSecond: number;
}

/** Producer id and source of replayed events. */
export const REPLAY_PRODUCER_ID = 'replay';

/**
 * Publishes a recorded data directory in event-time order through the same event builder and
 * publisher as the live producers, paced to `rate` events per second when given.
 */
export async function replay(options: ReplayOptions): Promise<ReplayStats> {
  const { publisher, clock, log } = options;
  const builder = new EventBuilder({ producerId: REPLAY_PRODUCER_ID, source: 'replay', clock });
  const pacer = new RatePacer(options.rate, clock);
  const batch = pacer.batchLimit(options.batchSize ?? 1_000);
  const events: Record<RawFeed, number> = { blocks: 0, transactions: 0, prices: 0 };
  let deadLetters = 0;
  const started = clock.monotonicMs();

  // Consecutive prices go out together; a block's transactions go out in batches, then the block.
  let prices: unknown[] = [];
  const flushPrices = async () => {
    for (let i = 0; i < prices.length; i += batch) {
      const chunk = prices.slice(i, i + batch);
      await pacer.take(chunk.length);
      events.prices += await publisher.publish('prices', chunk);
    }
    prices = [];
  };

  for await (const item of readRecorded(options.dir)) {
    if (item.kind === 'price') {
      prices.push(builder.price(item.price));
      continue;
    }
    await flushPrices();
    if (item.kind === 'invalid') {
      await publisher.deadLetter(item.feed, [{ key: item.key, value: item.value, reason: 'invalid recorded data', error: item.error }]);
      deadLetters++;
      continue;
    }
    const { block, transactions } = builder.blockEvents(item.block);
    for (let i = 0; i < transactions.length; i += batch) {
      const chunk = transactions.slice(i, i + batch);
      await pacer.take(chunk.length);
      events.transactions += await publisher.publish('transactions', chunk);
    }
    await pacer.take(1);
    events.blocks += await publisher.publish('blocks', [block]);
    log.debug({ height: item.block.block.height, transactions: transactions.length }, 'block replayed');
  }
  await flushPrices();

  const elapsedMs = clock.monotonicMs() - started;
  const total = events.blocks + events.transactions + events.prices;
  return { events, deadLetters, elapsedMs, eventsPerSecond: elapsedMs > 0 ? (total * 1000) / elapsedMs : total };
}
