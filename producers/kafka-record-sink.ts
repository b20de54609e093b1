import type { Kafka, Producer } from 'kafkajs';
import type { OutgoingRecord, RecordSink } from './event-publisher.js';

/**
 * A `RecordSink` on an idempotent kafkajs producer: acks from all in-sync replicas, one request
 * in flight (what kafkajs needs to keep the idempotent sequence in order), sends serialised.
 */
export class KafkaRecordSink implements RecordSink {
  private readonly producer: Producer;
  private connected = false;
  private tail: Promise<void> = Promise.resolve();

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  /** Connects the producer; idempotent. */
  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const run = async () => {
      await this.connect();
      await this.producer.send({ topic, acks: -1, messages: records.map((r) => ({ key: r.key, value: r.value })) });
    };
    const next = this.tail.then(run, run);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Flushes and disconnects. */
  async close(): Promise<void> {
    await this.tail;
    if (this.connected) await this.producer.disconnect();
    this.connected = false;
  }
}
