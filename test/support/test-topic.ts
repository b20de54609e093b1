import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { waitFor } from './wait-for.js';

/** Creates `topic` with 3 replicas (2 in sync to write) and waits until every partition has a leader and all 3 in sync. */
export async function createReplicatedTopic(admin: Admin, topic: string, partitions: number): Promise<void> {
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
    waitForLeaders: false,
  });
  await waitFor(() => isFullyReplicated(admin, topic, partitions), { timeoutMs: 60_000, what: `${topic} fully replicated` });
}

/** Whether `topic` has its `partitions`, each with a leader and all 3 replicas in sync. */
export async function isFullyReplicated(admin: Admin, topic: string, partitions: number): Promise<boolean> {
  const found = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions ?? [];
  return found.length === partitions && found.every((p) => p.leader >= 0 && p.isr.length === 3);
}

/** What `pick` takes from each message of `topic`, in partition and offset order of delivery, read from the start by a fresh group until `expected` came. */
export async function readTopic(kafka: Kafka, topic: string, expected: number, pick: (m: KafkaMessage) => string): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `${topic}-read-${randomBytes(3).toString('hex')}` });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) seen.push(pick(m));
      },
    });
    await waitFor(() => seen.length >= expected, { timeoutMs: 90_000, what: `${expected} records of ${topic} read back` });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}
