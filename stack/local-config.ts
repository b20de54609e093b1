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
      replicas: config.elasticsearch.replicas,
    },
    redis: { url: `redis://${HOST}:${redisNode().port}` },
  };
}
