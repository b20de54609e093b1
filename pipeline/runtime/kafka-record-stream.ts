import type { KafkaMessage } from 'kafkajs';
import { z } from 'zod';
import { defineStream } from './stream.js';
import type { Stream, Values } from './types.js';

/** The default stream of a Kafka spout: a record's key and value as UTF-8 text (null when absent). */
export const KAFKA_RECORD_STREAM = defineStream('kafka-record', z.object({ key: z.string().nullable(), value: z.string().nullable() }));
export type KafkaRecordValues = z.output<typeof KAFKA_RECORD_STREAM.schema>;

/** What a Kafka spout emits: its stream, and how a record becomes that stream's values. */
export interface KafkaSpoutOutput {
  readonly stream: Stream;
  /**
   * Throw a `SchemaError` or `NonRetriableError` for a record that can never be processed: it is
   * dead-lettered at once with the reason, and the partition moves on.
   */
  decode(message: KafkaMessage, partition: number): Values;
}

/** A Kafka spout output whose `decode` the compiler checks against the stream's values. */
export function kafkaOutput<T extends Values>(stream: Stream<T>, decode: (message: KafkaMessage, partition: number) => T): KafkaSpoutOutput {
  return { stream: stream as unknown as Stream, decode };
}

/** The default output: `KAFKA_RECORD_STREAM`. */
export const KAFKA_RECORD_OUTPUT = kafkaOutput(KAFKA_RECORD_STREAM, (message) => ({
  key: message.key?.toString('utf8') ?? null,
  value: message.value?.toString('utf8') ?? null,
}));
