import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../../pipeline/clients/kafka.js';
import { loadConfig } from '../../../pipeline/config/config.js';
import { startNode, stopNode } from '../../../stack/nodes.js';
import { createReplicatedTopic, readTopic } from '../../support/test-topic.js';
import { waitFor } from '../../support/wait-for.js';

const config = loadConfig();
const suffix = randomBytes(4).toString('hex');
const topic = `t-kfail-${suffix}.records`;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let killed: number | undefined;

async function leaderOf(partition: number): Promise<number> {
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const p = meta.topics[0]?.partitions.find((x) => x.partitionId === partition);
  if (!p) throw new Error(`no metadata for ${topic}/${partition}`);
  return p.leader;
}

beforeAll(async () => {
  kafka = createKafka(config, { clientIdSuffix: `test-kfail-${suffix}` });
  admin = kafka.admin();
  await admin.connect();
  await createReplicatedTopic(admin, topic, 1);
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
});

afterAll(async () => {
  // Whatever happened, give the broker back to the other tests.
  if (killed !== undefined) await startNode('kafka', killed);
  await producer?.disconnect();
  await waitFor(
    async () =>
      (await admin.describeCluster()).brokers.length === 3 && (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions[0]?.isr.length === 3,
    { timeoutMs: 120_000, what: 'three brokers and a full ISR again' },
  );
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
});

describe('a Kafka broker killed with SIGKILL', () => {
  it('loses no acknowledged record, and the producer keeps producing with two brokers', async () => {
    const before = await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'before-kill' }] });
    expect(before[0]?.errorCode).toBe(0);

    // Kill the leader of the partition: the record must survive on the followers.
    killed = await leaderOf(0);
    const pid = await stopNode('kafka', killed, { signal: 'SIGKILL' });
    expect(pid).toBeTypeOf('number');

    const during = await producer.send({
      topic,
      acks: -1,
      messages: [1, 2, 3].map((i) => ({ key: 'k', value: `during-kill-${i}` })),
    });
    expect(during[0]?.errorCode).toBe(0);
    const newLeader = await leaderOf(0);
    expect(newLeader).not.toBe(killed);
    expect((await admin.describeCluster()).brokers.map((b) => b.nodeId)).not.toContain(killed);

    const records = await readTopic(kafka, topic, 4, (m) => m.value?.toString() ?? '');
    expect(records).toEqual(['before-kill', 'during-kill-1', 'during-kill-2', 'during-kill-3']);
  });

  it('rejoins the cluster and the ISR when started again', async () => {
    expect(killed).toBeTypeOf('number');
    const broker = killed as number;
    expect(['started', 'running']).toContain(await startNode('kafka', broker));
    killed = undefined;
    await waitFor(async () => (await admin.describeCluster()).brokers.some((b) => b.nodeId === broker), {
      timeoutMs: 120_000,
      what: 'broker back in the metadata',
    });
    await waitFor(async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions[0]?.isr.includes(broker), {
      timeoutMs: 120_000,
      what: 'broker back in the ISR',
    });
    const after = await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'after-restart' }] });
    expect(after[0]?.errorCode).toBe(0);
  });
});
