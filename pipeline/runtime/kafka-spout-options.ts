import type { BackoffOptions } from './backoff.js';
import type { KafkaSpoutOutput } from './kafka-record-stream.js';
import type { RuntimeConnections } from './runtime-connections.js';
import type { RuntimeOptions } from './runtime-options.js';

/**
 * The spouts' Kafka session timeout: a task that stops without leaving its group (killed) keeps its
 * partitions this long before the group rebalances.
 */
export const KAFKA_SPOUT_SESSION_TIMEOUT_MS = 10_000;

/** Options of a `KafkaSpout`. */
export interface KafkaSpoutOptions {
  /** Makes the Kafka client of each spout task (brokers, TLS and SASL are the application's). */
  connections: Pick<RuntimeConnections, 'kafka'>;
  topic: string;
  /** Consumer group; every spout task of every worker joins it, Kafka spreads the partitions. */
  groupId: string;
  /** Topic of the dead letters (`DeadLetterSchema`), written with acks=-1 by an idempotent producer. */
  deadLetterTopic: string;
  /**
   * The stream the spout emits on and how a record becomes its values (`kafkaOutput`); default
   * `KAFKA_RECORD_OUTPUT` (`{ key, value }` as UTF-8 text on `KAFKA_RECORD_STREAM`).
   */
  output?: KafkaSpoutOutput;
  /** Records fetched but not complete per spout task before the consumer pauses (`RuntimeOptions.maxSpoutPending`). */
  maxPending: number;
  /**
   * Attempts before a record whose failures are all retriable is dead-lettered
   * (`RuntimeOptions.maxAttempts`); null: never, it replays with backoff until it succeeds.
   */
  maxAttempts: number | null;
  /** Replay delays (`RuntimeOptions.backoffBaseMs` / `backoffMaxMs`). */
  backoff: BackoffOptions;
  /** Where a group without committed offsets starts; default true (earliest). */
  fromBeginning?: boolean;
  /** Records emitted per `nextTuple` call at most; default 200. */
  emitBatch?: number;
  /** How often offsets are committed and lag is measured, in ms; default 500 / 5000. */
  commitIntervalMs?: number;
  lagIntervalMs?: number;
}

/** KafkaSpout options from the runtime options, for a topic and its dead-letter topic. */
export function kafkaSpoutOptions(
  runtime: RuntimeOptions,
  options: Pick<KafkaSpoutOptions, 'connections' | 'topic' | 'groupId' | 'deadLetterTopic'> & Partial<KafkaSpoutOptions>,
): KafkaSpoutOptions {
  return {
    maxPending: runtime.maxSpoutPending,
    maxAttempts: runtime.maxAttempts,
    backoff: { baseMs: runtime.backoffBaseMs, maxMs: runtime.backoffMaxMs },
    ...options,
  };
}
