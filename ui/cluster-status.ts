import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { allIndices, RAW_FEEDS, type Names, type RawFeed } from '../pipeline/contracts/names.js';
import { topologyNames } from '../pipeline/topology/topology-names.js';
import { searchableCounts } from '../pipeline/setup/indices.js';

/**
 * What the operations page shows of the three clusters, read-only: per raw topic its partitions,
 * end and committed offsets and lag; Elasticsearch's health and the namespace's indices; Redis's
 * memory and eviction policy. Each reader reports an unreachable cluster as `error` rather than
 * failing the page.
 */

/** One partition of a raw topic. */
export interface PartitionStatus {
  partition: number;
  start: number;
  end: number;
  /** Offset committed by the topology's consumer group (null: none yet). */
  committed: number | null;
  lag: number;
}

/** One raw topic. */
export interface TopicStatus {
  feed: RawFeed;
  topic: string;
  group: string;
  records: number;
  lag: number;
  partitions: PartitionStatus[];
}

/** Offsets, commits and lag of every raw topic of `n`. */
export async function rawTopicStatus(admin: Admin, n: Names): Promise<TopicStatus[]> {
  const groups = topologyNames(n).consumerGroups;
  return Promise.all(
    RAW_FEEDS.map(async (feed) => {
      const topic = n.topics[feed];
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: groups[feed], topics: [topic] });
      const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      const partitions = ends
        .map((p) => {
          const start = Number(p.low);
          const end = Number(p.high);
          const done = byPartition.get(p.partition) ?? -1;
          return { partition: p.partition, start, end, committed: done < 0 ? null : done, lag: end - Math.max(done < 0 ? start : done, start) };
        })
        .sort((a, b) => a.partition - b.partition);
      return {
        feed,
        topic,
        group: groups[feed],
        records: partitions.reduce((s, p) => s + p.end - p.start, 0),
        lag: partitions.reduce((s, p) => s + p.lag, 0),
        partitions,
      };
    }),
  );
}

/** Elasticsearch's health and the namespace's indices. */
export interface ElasticsearchStatus {
  cluster: string;
  status: string;
  nodes: number;
  activeShards: number;
  unassignedShards: number;
  indices: { index: string; health: string; docs: number; size: string }[];
}

/** Cluster health and, per index of `n`, its health and document count (missing indices listed with 0). */
export async function elasticsearchStatus(es: Client, n: Names): Promise<ElasticsearchStatus> {
  const health = await es.cluster.health();
  const names = allIndices(n);
  const rows = await es.cat.indices({
    index: names,
    format: 'json',
    h: 'index,health,docs.count,store.size',
    ignore_unavailable: true,
    allow_no_indices: true,
  } as never);
  const byName = new Map((rows as unknown as Record<string, string>[]).map((r) => [r.index, r]));
  const docs = await searchableCounts(
    es,
    [...byName.keys()].filter((i): i is string => i !== undefined),
  );
  return {
    cluster: health.cluster_name,
    status: health.status,
    nodes: health.number_of_nodes,
    activeShards: health.active_shards,
    unassignedShards: health.unassigned_shards,
    indices: names.map((index) => {
      const r = byName.get(index);
      return { index, health: r?.health ?? 'missing', docs: docs.get(index) ?? Number(r?.['docs.count'] ?? 0), size: r?.['store.size'] ?? '-' };
    }),
  };
}

/** Redis's memory use and eviction policy (the runtime needs `noeviction`). */
export interface RedisStatus {
  usedMemory: number;
  usedMemoryHuman: string;
  maxMemory: number;
  maxMemoryPolicy: string;
  keys: number;
}

function infoField(info: string, key: string): string {
  return new RegExp(`^${key}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
}

/** Reads `INFO memory` and the key count. */
export async function redisStatus(redis: Redis): Promise<RedisStatus> {
  const info = await redis.info('memory');
  return {
    usedMemory: Number(infoField(info, 'used_memory')),
    usedMemoryHuman: infoField(info, 'used_memory_human'),
    maxMemory: Number(infoField(info, 'maxmemory')),
    maxMemoryPolicy: infoField(info, 'maxmemory_policy'),
    keys: await redis.dbsize(),
  };
}
