import { Kafka } from 'kafkajs';
import type { Config } from '../config/config.js';
import type { RuntimeConnections } from '../runtime/index.js';
import { kafkaClientConfig } from './kafka.js';
import { bullmqConnection, createRedis } from './redis.js';

/** The runtime's connections to the configured services (endpoints, credentials, TLS from `config`). */
export function runtimeConnections(config: Config): RuntimeConnections {
  return {
    redis: (connectionName) => createRedis(config, { connectionName }),
    bullmq: (connectionName) => bullmqConnection(config, connectionName),
    kafka: (clientIdSuffix, log) =>
      new Kafka({
        ...kafkaClientConfig(config, { clientIdSuffix, log }),
        // A spout's requests back off to at most 5 s, so that it rejoins soon after a broker returns.
        retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5_000 },
      }),
  };
}
