import { type Kafka, Partitioners } from 'kafkajs';
import { sendBatchesInFlight } from '../batches-in-flight.js';
import { withTimeout } from '../with-timeout.js';
import { transactionRecords } from '../transaction-samples.js';

/** Records per produce request (the producers' publisher sends 500; a bigger batch shows the cluster's limit). */
const PRODUCE_BATCH = 1_000;
/** Produce requests in flight at once. */
const PRODUCE_IN_FLIGHT = 4;

/**
 * Kafka produce alone: `count` real-shaped transaction records (key txid, canonical JSON) written
 * to `topic` with `acks=-1` by one kafkajs producer, `PRODUCE_BATCH` records a request and
 * `PRODUCE_IN_FLIGHT` requests in flight, partitioned by key. Returns records per second.
 */
export async function measureKafkaProduce(kafka: Kafka, topic: string, count: number, seed: number): Promise<number> {
  const records = await transactionRecords(count, seed);
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const seconds = await sendBatchesInFlight(records, { batchSize: PRODUCE_BATCH, inFlight: PRODUCE_IN_FLIGHT }, (messages) =>
      producer.send({ topic, acks: -1, messages: [...messages] }),
    );
    return count / seconds;
  } finally {
    await producer.disconnect();
  }
}

const CONSUME_TIMEOUT_MS = 600_000;

/**
 * Kafka consume alone: a fresh consumer group reads `topic` from the beginning with `eachBatch`
 * (no parsing: the cluster and the client's decoding only) until it has seen `count` records.
 * The clock starts at the first batch, so the group join is not counted. Returns records per second.
 */
export async function measureKafkaConsume(kafka: Kafka, topic: string, count: number, groupId: string): Promise<number> {
  const consumer = kafka.consumer({ groupId, maxBytes: 10 * 1024 * 1024, maxBytesPerPartition: 2 * 1024 * 1024 });
  let seen = 0;
  let firstAt: number | null = null;
  let firstBatch = 0;
  let resolveDone: (ms: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (firstAt === null) {
          firstAt = performance.now();
          firstBatch = batch.messages.length;
        }
        seen += batch.messages.length;
        if (seen >= count) resolveDone(performance.now());
      },
    });
    const endedAt = await withTimeout(done, CONSUME_TIMEOUT_MS, `consuming ${count} records of ${topic}`);
    // The first batch arrived before the clock started.
    return (seen - firstBatch) / Math.max(0.001, (endedAt - (firstAt ?? endedAt)) / 1000);
  } finally {
    await consumer.disconnect();
  }
}
