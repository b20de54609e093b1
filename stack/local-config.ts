import type { Config } from '../pipeline/config/config.js';
import { HOST, esNodes, kafkaNodes, redisNode } from './layout.js';

/**
 * The configuration pointed at the local stack: endpoints from the stack's layout, no auth, no
 * TLS; namespace and tuning knobs (partitions, shards, ...) from `config`.
 */
export function localStackConfig(config: Config): Config {
  return {
    ...config,
    kafka: {
      brokers: kafkaNodes().map((n) => `${HOST}:${n.port}`),
      clientId: `${config.kafka.clientId}-stack`,
      ssl: false,
      partitions: config.kafka.partitions,
      replicationFactor: config.kafka.replicationFactor,
      minInsyncReplicas: config.kafka.minInsyncReplicas,
    },
    elasticsearch: {
      nodes: esNodes().map((n) => `http://${HOST}:${n.port}`),
      rejectUnauthorized: true,
      shards: config.elasticsearch.shards,
      smallIndexShards: config.elasticsearch.smallIndexShards,
      replicas: config.elasticsearch.replicas,
    },
    redis: { url: `redis://${HOST}:${redisNode().port}` },
  };
}

/**
 * Whether `config` points at the local stack (every Kafka broker, Elasticsearch node and Redis
 * endpoint is one of the stack's); `npm start` only starts the stack when it does.
 */
export function usesLocalStack(config: Config): boolean {
  const local = localStackConfig(config);
  const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
  return (
    sameSet(config.kafka.brokers, local.kafka.brokers) &&
    sameSet(
      config.elasticsearch.nodes.map((u) => u.replace(/\/$/, '')),
      local.elasticsearch.nodes,
    ) &&
    config.redis.url.replace(/\/$/, '') === local.redis.url
  );
}
