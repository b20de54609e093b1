import type { Admin } from 'kafkajs';
import type { Redis } from 'ioredis';
import { type Names, RAW_FEEDS } from '../contracts/names.js';
import { topologyNames } from './topology-names.js';

/** How far the topology is behind the raw topics. */
export interface ProcessingProgress {
  /** Records of the raw topics not yet committed by the topology's consumer groups (acked trees). */
  lag: number;
  /** Records in the raw topics (end offset minus start offset, summed). */
  records: number;
  /** Aggregates changed but not yet written to Elasticsearch. */
  dirtyAggregates: number;
  /** True when every record is committed and no aggregate is dirty. */
  done: boolean;
}

/**
 * Measures the topology's progress: for every raw topic, the committed offsets of its consumer
 * group against the end offsets (a committed offset means the record's tuple tree completed,
 * i.e. its documents are in Elasticsearch or it was dead-lettered), plus the dirty aggregates.
 */
export async function processingProgress(admin: Admin, redis: Redis, n: Names): Promise<ProcessingProgress> {
  const t = topologyNames(n);
  let lag = 0;
  let records = 0;
  for (const feed of RAW_FEEDS) {
    const topic = n.topics[feed];
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: t.consumerGroups[feed], topics: [topic] });
    const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    for (const p of ends) {
      const high = Number(p.high);
      const low = Number(p.low);
      records += high - low;
      const done = byPartition.get(p.partition) ?? -1;
      lag += high - Math.max(done < 0 ? low : done, low);
    }
  }
  const dirtyAggregates = await redis.zcard(t.dirtyKey);
  return { lag, records, dirtyAggregates, done: lag === 0 && dirtyAggregates === 0 };
}
