import { Redis } from 'ioredis';
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';

/** An ioredis client for the configured Redis (commands retry through short outages). */
export function createRuntimeRedis(config: Config, connectionName: string): Redis {
  return new Redis(config.redis.url, {
    ...(config.redis.password ? { password: config.redis.password } : {}),
    connectionName,
    maxRetriesPerRequest: 20,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
  });
}

/** A kafkajs client for the configured cluster, logging through pino at warn and above. */
export function createRuntimeKafka(config: Config, clientIdSuffix: string, log: Logger): Kafka {
  const { kafka } = config;
  const options: KafkaConfig = {
    clientId: `${kafka.clientId}-${clientIdSuffix}`,
    brokers: kafka.brokers,
    ssl: kafka.ssl,
    ...(kafka.sasl ? { sasl: { ...kafka.sasl } as KafkaConfig['sasl'] } : {}),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    // Generous retries: a broker may be down for a while (another test may kill one).
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, ...fields } = entry;
        const method = level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'debug';
        log[method]({ kafkajs: namespace, detail: message, ...fields }, 'kafkajs');
      },
  };
  return new Kafka(options);
}
