/**
 * The fixed layout of the local stack: which node listens where. Clients never read this;
 * they take endpoints from `pipeline/config/config.ts`, whose defaults match these ports.
 */

/** A service of the stack. */
export type ServiceKind = 'kafka' | 'es' | 'redis';

/** One process of the stack. */
export interface NodeSpec {
  kind: ServiceKind;
  /** 1-based node number (always 1 for Redis). */
  index: number;
  /** Stable name used in pid files, logs and CLI arguments: kafka-2, es-3, redis. */
  id: string;
  /** The port clients use. */
  port: number;
  /** The second port the node listens on (controller or transport), if any. */
  peerPort?: number;
}

export const HOST = '127.0.0.1';
export const KAFKA_NODE_COUNT = 3;
export const ES_NODE_COUNT = 3;
export const ES_CLUSTER_NAME = 'btc-local';
export const REDIS_PORT = 6380;

const kafkaPort = (i: number) => 9091 + i;
const kafkaControllerPort = (i: number) => 19091 + i;
const esHttpPort = (i: number) => 9200 + i;
const esTransportPort = (i: number) => 9300 + i;

/** The spec of Kafka broker `index` (1..3). */
export function kafkaNode(index: number): NodeSpec {
  return { kind: 'kafka', index, id: `kafka-${index}`, port: kafkaPort(index), peerPort: kafkaControllerPort(index) };
}

/** The spec of Elasticsearch node `index` (1..3). */
export function esNode(index: number): NodeSpec {
  return { kind: 'es', index, id: `es-${index}`, port: esHttpPort(index), peerPort: esTransportPort(index) };
}

/** The spec of the project's Redis. */
export function redisNode(): NodeSpec {
  return { kind: 'redis', index: 1, id: 'redis', port: REDIS_PORT };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Every Kafka broker, in node-id order. */
export const kafkaNodes = (): NodeSpec[] => range(KAFKA_NODE_COUNT).map(kafkaNode);
/** Every Elasticsearch node, in order. */
export const esNodes = (): NodeSpec[] => range(ES_NODE_COUNT).map(esNode);
/** Every process of the stack, in start order. */
export const allNodes = (): NodeSpec[] => [redisNode(), ...kafkaNodes(), ...esNodes()];

/** Finds a node by kind and index, e.g. ('kafka', 2). */
export function nodeSpec(kind: ServiceKind, index: number): NodeSpec {
  const spec = allNodes().find((n) => n.kind === kind && n.index === index);
  if (!spec) throw new RangeError(`no ${kind} node ${index} in the local stack`);
  return spec;
}

/** Parses a CLI node name such as `kafka-2`, `es-3` or `redis`. */
export function parseNodeId(id: string): NodeSpec | undefined {
  return allNodes().find((n) => n.id === id);
}
