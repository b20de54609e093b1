import type { Admin, Kafka, PartitionMetadata, Producer } from 'kafkajs';
import { retryTransient } from '../pipeline/clients/transient-retry.js';
import type { OutgoingRecord, RecordSink } from './event-publisher.js';
import { KeyPartitioner } from './key-partitioner.js';

/** Options of `KafkaRecordSink`. */
export interface KafkaRecordSinkOptions {
  /** How long a topic's partition list is reused before it is fetched again, in ms (default 30 000). */
  metadataMaxAgeMs?: number;
  /** Milliseconds since an arbitrary origin, for the metadata cache (default `performance.now`). */
  monotonicMs?: () => number;
  /**
   * Most key and value bytes of one partition's records in one produce request (default 512 KiB):
   * a request carries one record batch per partition, and a broker refuses a batch over its
   * `message.max.bytes` (1 MiB unless configured). A single larger record still goes, alone.
   */
  maxRequestBytes?: number;
  /**
   * How long a transient error of a topic's partition-list fetch is retried, in ms (default
   * 120 000, pauses from 300 ms doubling to 10 s): a broker that has not yet applied a new topic
   * answers "This server does not host this topic-partition", and kafkajs's admin does not retry
   * it. Then a `ServiceUnavailableError` is thrown, with the last error as its cause.
   */
  metadataDeadlineMs?: number;
}

/** Default `maxRequestBytes`: half of Kafka's default `message.max.bytes`, leaving room for record overhead. */
export const DEFAULT_MAX_REQUEST_BYTES = 512 * 1024;

/** Splits `records`, in order, into runs of at most `maxBytes` key and value bytes (a larger record makes a run alone). */
export function chunkByBytes<R extends OutgoingRecord>(records: readonly R[], maxBytes: number): R[][] {
  const chunks: R[][] = [];
  let chunk: R[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = Buffer.byteLength(record.value) + (record.key === null ? 0 : Buffer.byteLength(record.key));
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(record);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * A `RecordSink` on an idempotent kafkajs producer: acks from all in-sync replicas, one request
 * in flight per broker (what kafkajs needs to keep the idempotent sequence in order), sends
 * serialised.
 *
 * Each `send` is split into one kafkajs `send` per partition, the partition chosen as kafkajs's
 * default (Java-compatible murmur2) partitioner does (`KeyPartitioner`), so a key lands where it always did. The split is
 * what makes a broker crash lossless: kafkajs's `sendMessages` remembers, per broker, that a
 * request succeeded, and when a retry after a broker failure finds the failed partitions' new
 * leader among the brokers that already answered, it skips them and resolves as if they had been
 * written (kafkajs 2.2.4, `createProducerRequests`: `brokersWithoutResponse`). With one partition
 * per call there is one leader per call, and a retry always goes to the new leader. A partition's
 * records go in calls of at most `maxRequestBytes`, one after the other, so their order holds.
 */
export class KafkaRecordSink implements RecordSink {
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly partitioner = new KeyPartitioner();
  private readonly metadata = new Map<string, { partitions: PartitionMetadata[]; fetchedAt: number }>();
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly maxRequestBytes: number;
  private readonly metadataDeadlineMs: number;
  private connected = false;
  private tail: Promise<void> = Promise.resolve();

  constructor(kafka: Kafka, options: KafkaRecordSinkOptions = {}) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.admin = kafka.admin();
    this.maxAgeMs = options.metadataMaxAgeMs ?? 30_000;
    this.now = options.monotonicMs ?? (() => performance.now());
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.metadataDeadlineMs = options.metadataDeadlineMs ?? 120_000;
  }

  /** Connects the producer; idempotent. */
  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    await this.admin.connect();
    this.connected = true;
  }

  send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const run = async () => {
      await this.connect();
      const perPartition = this.split(topic, await this.partitions(topic), records);
      await Promise.all(
        [...perPartition].map(async ([partition, partitionRecords]) => {
          for (const chunk of chunkByBytes(partitionRecords, this.maxRequestBytes)) {
            await this.producer.send({ topic, acks: -1, messages: chunk.map((r) => ({ key: r.key, value: r.value, partition })) });
          }
        }),
      );
    };
    const next = this.tail.then(run, run);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Flushes and disconnects. */
  async close(): Promise<void> {
    await this.tail;
    if (this.connected) await Promise.all([this.producer.disconnect(), this.admin.disconnect()]);
    this.connected = false;
  }

  /** Groups records by the partition kafkajs's default partitioner would give them, keeping their order. */
  private split(topic: string, partitionMetadata: PartitionMetadata[], records: readonly OutgoingRecord[]): Map<number, OutgoingRecord[]> {
    const groups = new Map<number, OutgoingRecord[]>();
    for (const record of records) {
      const partition = this.partitioner.partition(topic, partitionMetadata, record.key);
      const group = groups.get(partition);
      if (group) group.push(record);
      else groups.set(partition, [record]);
    }
    return groups;
  }

  /** The topic's partitions, fetched at most every `metadataMaxAgeMs`. */
  private async partitions(topic: string): Promise<PartitionMetadata[]> {
    const cached = this.metadata.get(topic);
    if (cached && this.now() - cached.fetchedAt < this.maxAgeMs) return cached.partitions;
    const partitions = await this.fetchPartitions(topic);
    this.metadata.set(topic, { partitions, fetchedAt: this.now() });
    return partitions;
  }

  /** Fetches the topic's partitions, retrying a transient error (a retriable kafkajs error, a refused connection) until `metadataDeadlineMs`. */
  private async fetchPartitions(topic: string): Promise<PartitionMetadata[]> {
    const { topics } = await retryTransient(`partitions of ${topic}`, () => this.admin.fetchTopicMetadata({ topics: [topic] }), {
      deadlineMs: this.metadataDeadlineMs,
      initialDelayMs: 300,
      monotonicMs: this.now,
    });
    return topics.find((t) => t.name === topic)?.partitions ?? [];
  }
}
