import type { Admin } from 'kafkajs';
import type { Redis } from 'ioredis';
import { type Names, RAW_FEEDS, type RawFeed } from '../contracts/names.js';
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

/** `ProcessingProgress` with the records and lag of each raw topic. */
export interface ProcessingProgressByTopic extends ProcessingProgress {
  topics: Record<RawFeed, { records: number; lag: number }>;
}

/**
 * Measures the topology's progress: for every raw topic, the committed offsets of its consumer
 * group against the end offsets (a committed offset means the record's tuple tree completed,
 * i.e. its documents are in Elasticsearch or it was dead-lettered), plus the dirty aggregates.
 */
export async function processingProgress(admin: Admin, redis: Redis, n: Names): Promise<ProcessingProgressByTopic> {
  const t = topologyNames(n);
  let lag = 0;
  let records = 0;
  const topics = {} as Record<RawFeed, { records: number; lag: number }>;
  for (const feed of RAW_FEEDS) {
    const topic = n.topics[feed];
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId: t.consumerGroups[feed], topics: [topic] });
    const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    const topicProgress = { records: 0, lag: 0 };
    for (const p of ends) {
      const high = Number(p.high);
      const low = Number(p.low);
      const done = byPartition.get(p.partition) ?? -1;
      topicProgress.records += high - low;
      topicProgress.lag += high - Math.max(done < 0 ? low : done, low);
    }
    topics[feed] = topicProgress;
    records += topicProgress.records;
    lag += topicProgress.lag;
  }
  // Read after the offsets: a record marks its aggregates dirty before it is committed, and a
  // claimed aggregate stays in the set until written, so lag 0 then 0 dirty means all written.
  const dirtyAggregates = await redis.zcard(t.dirtyKey);
  return { lag, records, topics, dirtyAggregates, done: lag === 0 && dirtyAggregates === 0 };
}
