import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { PipelineError } from '../pipeline/runtime/index.js';

/** One record read back from a topic. */
export interface ReadRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Kafka timestamp (ms): when the producer wrote it. */
  timestampMs: number;
}

/** Options of `readTopicsToEnd`. */
export interface ReadTopicsOptions {
  /** Prefix of the throwaway consumer group (a random suffix follows; the group is deleted after). */
  groupPrefix: string;
  /** Give up when the end is not reached within this long (default 300 000 ms). */
  timeoutMs?: number;
}

/** Reading did not reach the end of every partition in time. */
export class TopicReadTimeoutError extends PipelineError {
  constructor(
    readonly topics: readonly string[],
    readonly missing: number,
  ) {
    super(`reading ${topics.join(', ')}: ${missing} partitions not read to their end in time`, { retriable: true });
  }
}

/**
 * Calls `onRecord` once for every record of `topics` present when the call starts, partition by
 * partition in offset order, read from the beginning by a throwaway consumer group (deleted at
 * the end, so no offsets linger). Records written meanwhile are not read; memory stays bounded.
 * An exception thrown by `onRecord` ends the read with that exception.
 */
export async function readTopicsToEnd(
  kafka: Kafka,
  admin: Admin,
  topics: readonly string[],
  onRecord: (record: ReadRecord) => void,
  options: ReadTopicsOptions,
): Promise<void> {
  // Last offset to read per `topic:partition`; empty partitions are already done.
  const last = new Map<string, number>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (Number(p.high) > Number(p.low)) last.set(`${topic}:${p.partition}`, Number(p.high) - 1);
    }
  }
  if (last.size === 0) return;
  const reached = new Map<string, number>();
  const groupId = `${options.groupPrefix}-${randomBytes(4).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
  let finish: () => void = () => undefined;
  let abort: (err: unknown) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    abort = reject;
  });
  const remaining = () => [...last].filter(([tp, end]) => (reached.get(tp) ?? -1) < end).length;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const tp = `${batch.topic}:${batch.partition}`;
        const end = last.get(tp) ?? -1;
        for (const m of batch.messages) {
          const offset = Number(m.offset);
          // A rebalance may deliver a record twice: each is handed on once.
          if (offset > end || offset <= (reached.get(tp) ?? -1)) continue;
          try {
            onRecord({ topic: batch.topic, partition: batch.partition, offset, key: m.key, value: m.value, timestampMs: Number(m.timestamp) });
          } catch (err) {
            // The handler's failure ends the read (kafkajs would redeliver the batch forever).
            abort(err);
            return;
          }
          reached.set(tp, offset);
        }
        if (remaining() === 0) finish();
      },
    });
    const timeoutMs = options.timeoutMs ?? 300_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([finished, timedOut]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout') throw new TopicReadTimeoutError(topics, remaining());
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}
