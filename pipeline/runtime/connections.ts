import type { Redis } from 'ioredis';
import { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { kafkaClientConfig } from '../clients/kafka.js';
import { createRedis } from '../clients/redis.js';
import type { Config } from '../config/config.js';

/** An ioredis client for the configured Redis (commands retry through short outages). */
export function createRuntimeRedis(config: Config, connectionName: string): Redis {
  return createRedis(config, { connectionName });
}

/** A kafkajs client for the configured cluster, logging through pino at warn and above. */
export function createRuntimeKafka(config: Config, clientIdSuffix: string, log: Logger): Kafka {
  return new Kafka({
    ...kafkaClientConfig(config, { clientIdSuffix, log }),
    // The spout's requests back off to at most 5 s, so that it rejoins soon after a broker returns.
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
}
