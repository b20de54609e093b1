import type { KafkaMessage } from 'kafkajs';
import { z } from 'zod';
import { defineStream } from './stream.js';
import type { Stream, Values } from './types.js';

/** The default stream of a Kafka spout: a record's key and value as UTF-8 text (null when absent). */
export const KAFKA_RECORD_STREAM = defineStream('kafka-record', z.object({ key: z.string().nullable(), value: z.string().nullable() }));
export type KafkaRecordValues = z.output<typeof KAFKA_RECORD_STREAM.schema>;

/**
 * A record batch (Trident's batch): the records of one `nextTuple` call of a Kafka spout, each with
 * its message id (`topic/partition/offset`), in one tuple that one tree tracks.
 */
export const KAFKA_RECORD_BATCH_STREAM = defineStream(
  'kafka-record-batch',
  z.object({ records: z.array(z.object({ messageId: z.string(), key: z.string().nullable(), value: z.string().nullable() })) }),
);
export type KafkaRecordBatchValues = z.output<typeof KAFKA_RECORD_BATCH_STREAM.schema>;

/** A decoded record of a batch, with its spout message id. */
export interface BatchRecord {
  readonly messageId: string;
  readonly values: Values;
}

/** What a Kafka spout emits: its stream, and how a record becomes that stream's values. */
export interface KafkaSpoutOutput {
  readonly stream: Stream;
  /**
   * Throw a `SchemaError` or `NonRetriableError` for a record that can never be processed: it is
   * dead-lettered at once with the reason, and the partition moves on.
   */
  decode(message: KafkaMessage, partition: number): Values;
  /**
   * When set, the records of one `nextTuple` call travel as one tuple rooted at all of them (a
   * record batch), whose values `join` makes of their decoded values; a replayed record travels in
   * a batch of its own. Unset: one tuple per record.
   */
  readonly join?: (records: readonly BatchRecord[]) => Values;
}

/** A Kafka spout output whose `decode` the compiler checks against the stream's values. */
export function kafkaOutput<T extends Values>(stream: Stream<T>, decode: (message: KafkaMessage, partition: number) => T): KafkaSpoutOutput {
  return { stream: stream as unknown as Stream, decode };
}

/** A record's key and value as UTF-8 text. */
function recordText(message: KafkaMessage): KafkaRecordValues {
  return { key: message.key?.toString('utf8') ?? null, value: message.value?.toString('utf8') ?? null };
}

/** The default output: `KAFKA_RECORD_STREAM`. */
export const KAFKA_RECORD_OUTPUT = kafkaOutput(KAFKA_RECORD_STREAM, recordText);

/** Record batches on `KAFKA_RECORD_BATCH_STREAM`: up to the spout's `emitBatch` records a tuple. */
export const KAFKA_RECORD_BATCH_OUTPUT = {
  stream: KAFKA_RECORD_BATCH_STREAM as unknown as Stream,
  decode: recordText,
  join: (records: readonly BatchRecord[]): KafkaRecordBatchValues => ({
    records: records.map((r) => ({ messageId: r.messageId, ...(r.values as KafkaRecordValues) })),
  }),
} satisfies KafkaSpoutOutput;
