// kafkajs is CommonJS and its ConfigResourceTypes is not a named ESM export.
import kafkajs from 'kafkajs';
import type { Config } from '../pipeline/config/config.js';
import { names } from '../pipeline/contracts/names.js';
import { createElasticsearch } from '../pipeline/clients/elasticsearch.js';
import { createKafka } from '../pipeline/clients/kafka.js';
import { searchableCounts } from '../pipeline/setup/indices.js';
import { namespaceTopics } from '../pipeline/setup/topics.js';
import type { StackContext } from './context.js';
import { allNodes, HOST } from './layout.js';
import { localStackConfig } from './local-config.js';
import { findNodeProcess } from './node-process.js';
import { esClusterHealth, kafkaBrokers, nodeAnswers, redisInfo, type EsHealth, type RedisInfo } from './probes.js';
import { rssBytes } from './processes.js';

/** One process of the stack as `status` shows it. */
export interface NodeStatus {
  node: string;
  port: number;
  pid?: number;
  /** Whether the pid came from this checkout's pid file (false: another checkout or program holds the port). */
  ours: boolean;
  alive: boolean;
  healthy: boolean;
  rssBytes?: number;
}

/** One topic of the namespace. */
export interface TopicStatus {
  topic: string;
  partitions: number;
  replicas: number;
  /** Smallest in-sync replica count over the partitions. */
  minIsr: number;
  /** The topic's `min.insync.replicas` setting (null when it could not be read). */
  minInsyncReplicas: number | null;
  messages: number;
}

/** One index of the namespace. */
export interface IndexStatus {
  index: string;
  health: string;
  docs: number;
}

/** Everything `status` reports. */
export interface StackStatus {
  nodes: NodeStatus[];
  kafkaBrokerIds?: number[];
  esHealth?: EsHealth;
  redis?: RedisInfo;
  topics?: TopicStatus[];
  indices?: IndexStatus[];
  /** Whether every node is healthy, Kafka lists 3 brokers and Elasticsearch is green. */
  healthy: boolean;
}

async function settle<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch {
    return undefined;
  }
}

async function topicStatus(config: Config): Promise<TopicStatus[]> {
  const admin = createKafka(config, { clientIdSuffix: 'status', retries: 1 }).admin();
  await admin.connect();
  try {
    const topics = await namespaceTopics(admin, names(config.namespace));
    if (topics.length === 0) return [];
    const meta = await admin.fetchTopicMetadata({ topics });
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas'] })),
    });
    const minInsync = new Map(
      described.resources.map((r) => [r.resourceName, r.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue]),
    );
    const rows: TopicStatus[] = [];
    for (const t of meta.topics) {
      const offsets = await admin.fetchTopicOffsets(t.name);
      rows.push({
        topic: t.name,
        partitions: t.partitions.length,
        replicas: Math.max(0, ...t.partitions.map((p) => p.replicas.length)),
        minIsr: Math.min(...t.partitions.map((p) => p.isr.length)),
        minInsyncReplicas: minInsync.has(t.name) ? Number(minInsync.get(t.name)) : null,
        messages: offsets.reduce((sum, o) => sum + (Number(o.high) - Number(o.low)), 0),
      });
    }
    return rows.sort((a, b) => a.topic.localeCompare(b.topic));
  } finally {
    await admin.disconnect();
  }
}

async function indexStatus(config: Config): Promise<IndexStatus[]> {
  const es = createElasticsearch(config, { maxRetries: 1, requestTimeoutMs: 5_000 });
  try {
    const rows = await es.cat.indices({ index: `${config.namespace}-*`, format: 'json', h: 'index,health,docs.count', expand_wildcards: 'all' });
    const docs = await searchableCounts(
      es,
      rows.map((r) => r.index ?? ''),
    );
    return rows
      .map((r) => ({ index: r.index ?? '', health: r.health ?? '', docs: docs.get(r.index ?? '') ?? Number(r['docs.count'] ?? 0) }))
      .sort((a, b) => a.index.localeCompare(b.index));
  } finally {
    await es.close();
  }
}

/** Looks at every process and service of the stack (never changes anything). */
export async function stackStatus(ctx: StackContext, config: Config): Promise<StackStatus> {
  const local = localStackConfig(config);
  const nodes = await Promise.all(
    allNodes().map(async (node): Promise<NodeStatus> => {
      const found = findNodeProcess(ctx, node);
      const pid = found.pid ?? found.foreignPid;
      const rss = pid === undefined ? undefined : rssBytes(pid);
      return {
        node: node.id,
        port: node.port,
        ...(pid === undefined ? {} : { pid }),
        ours: found.pid !== undefined,
        alive: pid !== undefined,
        healthy: found.listening && (await nodeAnswers(node)),
        ...(rss === undefined ? {} : { rssBytes: rss }),
      };
    }),
  );
  const brokers = await settle(kafkaBrokers());
  const esHealth = await settle(esClusterHealth());
  const redis = await settle(redisInfo(nodes.find((n) => n.node === 'redis')?.port ?? 0));
  const topics = brokers && brokers.length > 0 ? await settle(topicStatus(local)) : undefined;
  const indices = esHealth ? await settle(indexStatus(local)) : undefined;
  const healthy = nodes.every((n) => n.healthy) && brokers?.length === 3 && esHealth?.status === 'green' && esHealth.number_of_nodes === 3;
  return {
    nodes,
    ...(brokers ? { kafkaBrokerIds: brokers.map((b) => b.nodeId) } : {}),
    ...(esHealth ? { esHealth } : {}),
    ...(redis ? { redis } : {}),
    ...(topics ? { topics } : {}),
    ...(indices ? { indices } : {}),
    healthy,
  };
}

const mb = (bytes: number | undefined) => (bytes === undefined ? '-' : `${Math.round(bytes / 1024 / 1024)} MB`);

/** Renders a status as the plain-text table `npm run stack -- status` prints. */
export function formatStatus(status: StackStatus): string {
  const lines: string[] = [];
  lines.push('NODE      PID      ALIVE  PORT                HEALTH     RSS');
  for (const n of status.nodes) {
    const pid = n.pid === undefined ? '-' : `${n.pid}${n.ours ? '' : '*'}`;
    lines.push(
      `${n.node.padEnd(9)} ${pid.padEnd(8)} ${(n.alive ? 'yes' : 'no').padEnd(6)} ${`${HOST}:${n.port}`.padEnd(19)} ${(n.healthy ? 'healthy' : 'down').padEnd(10)} ${mb(n.rssBytes)}`,
    );
  }
  if (status.nodes.some((n) => n.alive && !n.ours)) lines.push('  * not started by this checkout (another checkout or program holds the port)');
  lines.push('');
  lines.push(`kafka: brokers in metadata ${status.kafkaBrokerIds ? `[${status.kafkaBrokerIds.join(', ')}]` : 'unreachable'}`);
  lines.push(
    `elasticsearch: ${status.esHealth ? `${status.esHealth.status}, ${status.esHealth.number_of_nodes} nodes, ${status.esHealth.unassigned_shards} unassigned shards` : 'unreachable'}`,
  );
  lines.push(
    `redis: ${status.redis ? `PONG, maxmemory-policy ${status.redis.maxmemoryPolicy}, appendonly ${status.redis.appendonly}, ${status.redis.keys} keys` : 'unreachable'}`,
  );
  if (status.topics) {
    lines.push('');
    lines.push('TOPIC                          PARTITIONS  REPLICAS  IN-SYNC  MIN.INSYNC  MESSAGES');
    for (const t of status.topics) {
      lines.push(
        `${t.topic.padEnd(30)} ${String(t.partitions).padEnd(11)} ${String(t.replicas).padEnd(9)} ${String(t.minIsr).padEnd(8)} ${String(t.minInsyncReplicas ?? '?').padEnd(11)} ${t.messages}`,
      );
    }
  }
  if (status.indices) {
    lines.push('');
    lines.push('INDEX                          HEALTH   DOCS');
    for (const i of status.indices) lines.push(`${i.index.padEnd(30)} ${i.health.padEnd(8)} ${i.docs}`);
  }
  lines.push('');
  lines.push(status.healthy ? 'stack: healthy' : 'stack: NOT healthy');
  return lines.join('\n');
}
