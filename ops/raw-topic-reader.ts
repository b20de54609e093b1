import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { retryTransient, TransientTimeoutError } from './retry-transient.js';

/** One record read back from a topic. */
export interface TopicRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  /** Kafka timestamp (ms): when the producer wrote it. */
  timestampMs: number;
}

/** Options of `readTopicsToEnd`. */
export interface ReadTopicsOptions {
  /** Gives up (with a `TransientTimeoutError`) after this time, epoch ms. */
  deadlineMs: number;
  log: Logger;
  /** Prefix of the throwaway consumer group (default `audit`); a random suffix is added. */
  groupPrefix?: string;
}

/** What was read: per topic, the end offset of each partition when the read started. */
export type TopicEnds = Map<string, Map<number, number>>;

/**
 * Reads every record of `topics` from their start offsets to their end offsets as they were when
 * the call began (records published meanwhile are left for the next read), handing them over in
 * batches of one partition, in offset order within a partition. A throwaway consumer group
 * (random id, no commits) reads them: nothing of the pipeline's own groups moves. Each record is
 * handed over once, even when a rebalance makes kafkajs deliver a partition again.
 * `onBatch` runs for one batch at a time; an exception it throws ends the read with it.
 */
export async function readTopicsToEnd(
  kafka: Kafka,
  topics: readonly string[],
  onBatch: (records: TopicRecord[]) => Promise<void> | void,
  options: ReadTopicsOptions,
): Promise<TopicEnds> {
  const { log, deadlineMs } = options;
  const admin = kafka.admin();
  await retryTransient(() => admin.connect(), { what: 'Kafka admin connection', deadlineMs, log });
  const ends: TopicEnds = new Map();
  const remaining = new Map<string, number>();
  /** Per partition, the next offset to hand over (records delivered again are skipped). */
  const next = new Map<string, number>();
  try {
    for (const topic of topics) {
      const offsets = await retryTransient(() => admin.fetchTopicOffsets(topic), { what: `end offsets of ${topic}`, deadlineMs, log });
      const byPartition = new Map<number, number>();
      for (const p of offsets) {
        byPartition.set(p.partition, Number(p.high));
        if (Number(p.high) > Number(p.low)) remaining.set(`${topic}/${p.partition}`, Number(p.high));
      }
      ends.set(topic, byPartition);
    }
  } finally {
    await admin.disconnect();
  }
  if (remaining.size === 0) return ends;

  const consumer = kafka.consumer({
    groupId: `${options.groupPrefix ?? 'audit'}-${randomUUID()}`,
    sessionTimeout: 30_000,
    maxBytesPerPartition: 1_048_576,
  });
  let finish: (err?: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = (err) => (err === undefined ? resolve() : reject(err));
  });
  const startedAt = Date.now();
  const timer = setInterval(() => {
    if (Date.now() > deadlineMs)
      finish(new TransientTimeoutError(`reading ${[...remaining.keys()].join(', ')} to the end`, Date.now() - startedAt, { cause: undefined }));
  }, 1_000);
  try {
    await retryTransient(() => consumer.connect(), { what: 'Kafka consumer connection', deadlineMs, log });
    await retryTransient(() => consumer.subscribe({ topics: [...topics], fromBeginning: true }), { what: 'subscription', deadlineMs, log });
    // A consumer that crashes on a retriable error restarts by itself (kafkajs); anything else ends the read.
    consumer.on(consumer.events.CRASH, (event) => {
      if (event.payload.restart !== true) finish(event.payload.error);
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const id = `${batch.topic}/${batch.partition}`;
        const end = remaining.get(id);
        if (end === undefined) return;
        const records: TopicRecord[] = [];
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          if (offset >= end) break;
          if (offset < (next.get(id) ?? 0)) continue;
          records.push({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key?.toString('utf8') ?? null,
            value: m.value,
            timestampMs: Number(m.timestamp),
          });
        }
        if (records.length > 0) {
          try {
            await onBatch(records);
          } catch (err) {
            finish(err);
            return;
          }
          next.set(id, Number((records.at(-1) as TopicRecord).offset) + 1);
        }
        // lastOffset covers control records too, which are never handed out as messages.
        if (Number(batch.lastOffset()) + 1 >= end) {
          remaining.delete(id);
          if (remaining.size === 0) finish();
        }
        await heartbeat();
      },
    });
    await finished;
  } finally {
    clearInterval(timer);
    await consumer.disconnect().catch(() => undefined);
  }
  return ends;
}
