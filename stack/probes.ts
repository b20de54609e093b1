import { Kafka, logLevel } from 'kafkajs';
import { Redis } from 'ioredis';
import { ES_CLUSTER_NAME, HOST, esNodes, kafkaNodes, type NodeSpec } from './layout.js';
import { esNodeName } from './elasticsearch-node.js';

/** A broker as the cluster metadata lists it. */
export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
}

function kafkaClient(brokers: string[]): Kafka {
  return new Kafka({
    clientId: 'btc-stream-stack-probe',
    brokers,
    connectionTimeout: 2_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
}

/** The brokers in the cluster metadata, asked through `via` (default: every local broker). */
export async function kafkaBrokers(via: string[] = kafkaNodes().map((n) => `${HOST}:${n.port}`)): Promise<BrokerInfo[]> {
  const admin = kafkaClient(via).admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    return brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })).sort((a, b) => a.nodeId - b.nodeId);
  } finally {
    await admin.disconnect();
  }
}

/** Whether the Kafka broker on `node`'s port answers as node `node.index` of a local cluster. */
export async function kafkaNodeAnswers(node: NodeSpec): Promise<boolean> {
  try {
    const brokers = await kafkaBrokers([`${HOST}:${node.port}`]);
    return brokers.some((b) => b.nodeId === node.index && b.port === node.port);
  } catch {
    return false;
  }
}

async function getJson(url: string, timeoutMs = 5_000): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.json();
}

/** Whether the Elasticsearch node on `node`'s port answers as esN of the local cluster. */
export async function esNodeAnswers(node: NodeSpec): Promise<boolean> {
  try {
    // The integ-test-zip has no `GET /` handler; the local node's info names the node and cluster.
    const body = (await getJson(`http://${HOST}:${node.port}/_nodes/_local?filter_path=cluster_name,nodes.*.name`, 2_000)) as {
      cluster_name?: string;
      nodes?: Record<string, { name?: string }>;
    };
    return body.cluster_name === ES_CLUSTER_NAME && Object.values(body.nodes ?? {}).some((n) => n.name === esNodeName(node));
  } catch {
    return false;
  }
}

/** The fields of `_cluster/health` the stack looks at. */
export interface EsHealth {
  status: 'green' | 'yellow' | 'red';
  number_of_nodes: number;
  timed_out: boolean;
  unassigned_shards: number;
}

/** Cluster health from the first node that answers, optionally waiting server-side for green with `nodes` nodes. */
export async function esClusterHealth(options: { waitForGreen?: { nodes: number; timeoutSec: number } } = {}): Promise<EsHealth> {
  const wait = options.waitForGreen;
  const query = wait ? `?wait_for_status=green&wait_for_nodes=${wait.nodes}&timeout=${wait.timeoutSec}s` : '';
  let lastError: unknown;
  for (const node of esNodes()) {
    try {
      return (await getJson(`http://${HOST}:${node.port}/_cluster/health${query}`, ((wait?.timeoutSec ?? 0) + 5) * 1000)) as EsHealth;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/** The Redis facts `status` shows and `up` checks. */
export interface RedisInfo {
  pong: boolean;
  maxmemoryPolicy: string;
  appendonly: string;
  keys: number;
}

/** PINGs the Redis on `port` and reads the settings BullMQ depends on. */
export async function redisInfo(port: number): Promise<RedisInfo> {
  const redis = new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const pong = (await redis.ping()) === 'PONG';
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const aof = (await redis.config('GET', 'appendonly')) as string[];
    const keys = await redis.dbsize();
    return { pong, maxmemoryPolicy: policy[1] ?? '', appendonly: aof[1] ?? '', keys };
  } finally {
    redis.disconnect();
  }
}

/** Whether the Redis on `node`'s port answers PING. */
export async function redisAnswers(node: NodeSpec): Promise<boolean> {
  try {
    return (await redisInfo(node.port)).pong;
  } catch {
    return false;
  }
}

/** Whether the service on `node`'s port is the stack's own kind of node. */
export function nodeAnswers(node: NodeSpec): Promise<boolean> {
  switch (node.kind) {
    case 'kafka':
      return kafkaNodeAnswers(node);
    case 'es':
      return esNodeAnswers(node);
    case 'redis':
      return redisAnswers(node);
  }
}
