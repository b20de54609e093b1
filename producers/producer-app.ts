import type { Logger } from 'pino';
import type { Config } from '../pipeline/config/config.js';
import { names } from '../pipeline/contracts/names.js';
import type { Clock } from '../pipeline/runtime/index.js';
import { RedisBlockChainStore } from './block-chain-store.js';
import { BlockFeed } from './block-feed.js';
import { CoinGeckoPriceProvider } from './coingecko-price-provider.js';
import { EsploraClient } from './esplora-client.js';
import { EventBuilder } from './event-builder.js';
import { EventPublisher } from './event-publisher.js';
import { FeedHttpClient } from './feed-http-client.js';
import { createKafka } from '../pipeline/clients/kafka.js';
import { bullmqConnection, createRedis } from '../pipeline/clients/redis.js';
import { KafkaRecordSink } from './kafka-record-sink.js';
import { KrakenPriceProvider } from './kraken-price-provider.js';
import { MempoolFeed, RedisSeenSet } from './mempool-feed.js';
import { PollScheduler } from './poll-scheduler.js';
import { PriceFeed, RedisPriceCursorStore } from './price-feed.js';
import type { PriceProvider } from './price-provider.js';
import { ProducerMetrics } from './producer-metrics.js';

/** The live feeds, one pm2 app each. */
export type LiveFeed = 'blocks' | 'mempool' | 'prices';
export const LIVE_FEEDS: readonly LiveFeed[] = ['blocks', 'mempool', 'prices'];

/** How long a published mempool txid is remembered. */
const MEMPOOL_SEEN_TTL_SECONDS = 3 * 86_400;

/** A running producer: stop it to close its poller, Kafka producer and Redis connection. */
export interface RunningProducer {
  metrics: ProducerMetrics;
  stop(): Promise<void>;
}

/** Wires one live feed from the configuration and starts polling it. */
export async function startProducer(feed: LiveFeed, config: Config, log: Logger, clock: Clock): Promise<RunningProducer> {
  const n = names(config.namespace);
  const component = `producer-${feed}`;
  const flog = log.child({ component });
  const metrics = new ProducerMetrics();
  const redis = createRedis(config, { bullmq: true, connectionName: component });
  redis.on('error', (err) => flog.warn({ err }, 'redis connection error'));
  const sink = new KafkaRecordSink(createKafka(config, { clientIdSuffix: component, log }));
  await sink.connect();
  const publisher = new EventPublisher({ sink, names: n, component, clock, log: flog, metrics, ratePerSecond: config.feeds.publishRate });
  const http = (name: string, baseUrl: string) =>
    new FeedHttpClient({
      feed: name,
      baseUrl,
      timeoutMs: config.feeds.httpTimeoutMs,
      retries: config.feeds.httpRetries,
      backoffBaseMs: config.runtime.backoffBaseMs,
      backoffMaxMs: config.runtime.backoffMaxMs,
      clock,
      log: flog,
      metrics,
    });

  let poll: () => Promise<unknown>;
  let everyMs: number;
  if (feed === 'blocks') {
    const blockFeed = new BlockFeed({
      esplora: new EsploraClient(http('esplora', config.feeds.blocksUrl)),
      store: new RedisBlockChainStore(redis, { cursor: n.producerKeys.blocksCursor, chain: n.producerKeys.blocksChain }),
      builder: new EventBuilder({ producerId: component, source: 'esplora', clock }),
      publisher,
      log: flog,
      ...(config.feeds.blocksStartHeight === undefined ? {} : { startHeight: config.feeds.blocksStartHeight }),
    });
    poll = () => blockFeed.poll();
    everyMs = config.feeds.pollBlocksMs;
  } else if (feed === 'mempool') {
    const mempoolFeed = new MempoolFeed({
      http: http('mempool', config.feeds.mempoolUrl),
      seen: new RedisSeenSet(redis, n.producerKeys.mempoolSeenPrefix, MEMPOOL_SEEN_TTL_SECONDS),
      builder: new EventBuilder({ producerId: component, source: 'esplora-mempool', clock }),
      publisher,
      clock,
      metrics,
    });
    poll = () => mempoolFeed.poll();
    everyMs = config.feeds.pollMempoolMs;
  } else {
    const providers: PriceProvider[] = config.feeds.priceProviders.map((name) =>
      name === 'kraken'
        ? new KrakenPriceProvider(http('kraken', config.feeds.krakenUrl))
        : new CoinGeckoPriceProvider(http('coingecko', config.feeds.coingeckoUrl)),
    );
    const priceFeed = new PriceFeed({
      providers,
      cursors: new RedisPriceCursorStore(redis, n.producerKeys.pricesCursor),
      builder: new EventBuilder({ producerId: component, source: 'price-providers', clock }),
      publisher,
      clock,
      log: flog,
      metrics,
      ...(config.feeds.pricesStartTime === undefined ? {} : { startTimeSec: config.feeds.pricesStartTime }),
    });
    poll = () => priceFeed.poll();
    everyMs = config.feeds.pollPricesMs;
  }

  const scheduler = new PollScheduler({
    feed,
    prefix: n.producerQueuePrefix,
    connection: bullmqConnection(config, `${component}:poll`),
    everyMs,
    poll,
    log: flog,
    metrics,
  });
  await scheduler.start();
  flog.info({ feed, everyMs, namespace: config.namespace }, 'producer started');

  return {
    metrics,
    async stop() {
      await scheduler.stop();
      await sink.close();
      redis.disconnect();
      flog.info({ feed }, 'producer stopped');
    },
  };
}
