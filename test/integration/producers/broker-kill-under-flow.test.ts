import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../../pipeline/clients/kafka.js';
import { loadConfig } from '../../../pipeline/config/config.js';
import { KafkaRecordSink } from '../../../producers/kafka-record-sink.js';
import { startNode, stopNode } from '../../../stack/nodes.js';
import { createReplicatedTopic, isFullyReplicated, readTopic } from '../../support/test-topic.js';
import { waitFor } from '../../support/wait-for.js';

// The loss seen in the field: a broker SIGKILLed while the producers stream batches over every
// partition. Every batch `send` resolved must be in the topic, counted by reading the topic back.
const config = loadConfig();
const suffix = randomBytes(4).toString('hex');
const topic = `t-kflow-${suffix}.records`;
const PARTITIONS = 9;
const STREAMS = 3;
const BATCH = 300;
let kafka: Kafka;
let admin: Admin;
let killed: number | undefined;

const fullyReplicated = () => isFullyReplicated(admin, topic, PARTITIONS);

/** The distinct keys of the whole topic, read back by a fresh group up to its end offsets. */
async function readBack(expectedAtLeast: number): Promise<Set<string>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const end = offsets.reduce((n, o) => n + Number(o.high), 0);
  expect(end).toBeGreaterThanOrEqual(expectedAtLeast);
  return new Set(await readTopic(kafka, topic, end, (m) => m.key?.toString() ?? ''));
}

beforeAll(async () => {
  kafka = createKafka(config, { clientIdSuffix: `test-kflow-${suffix}` });
  admin = kafka.admin();
  await admin.connect();
  await createReplicatedTopic(admin, topic, PARTITIONS);
});

afterAll(async () => {
  if (killed !== undefined) await startNode('kafka', killed);
  await waitFor(async () => (await admin.describeCluster()).brokers.length === 3 && (await fullyReplicated()), {
    timeoutMs: 180_000,
    what: 'three brokers and a full ISR again',
  });
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
});

describe('producers streaming while a broker is SIGKILLed and restarted', () => {
  it('lose no record whose send resolved (independent count: the topic read back)', async () => {
    const acknowledged = new Set<string>();
    let stop = false;
    let batches = 0;
    const stream = async (s: number) => {
      const sink = new KafkaRecordSink(createKafka(config, { clientIdSuffix: `test-kflow-${suffix}-${s}` }));
      try {
        for (let b = 0; !stop; b += 1) {
          const records = Array.from({ length: BATCH }, (_, i) => ({ key: `s${s}-b${b}-r${i}`, value: JSON.stringify({ s, b, i }) }));
          try {
            await sink.send(topic, records);
          } catch {
            continue; // not acknowledged: a producer retries it (as the feeds do); it is not counted as sent
          }
          for (const r of records) acknowledged.add(r.key);
          batches += 1;
        }
      } finally {
        await sink.close();
      }
    };
    const streams = Array.from({ length: STREAMS }, (_, s) => stream(s));

    await waitFor(() => batches >= 6, { timeoutMs: 60_000, what: 'records flowing' });
    // Kill the leader of partition 0 mid-stream: about a third of the partitions lose their leader.
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    killed = meta.topics[0]?.partitions.find((p) => p.partitionId === 0)?.leader;
    expect(killed).toBeTypeOf('number');
    await stopNode('kafka', killed as number, { signal: 'SIGKILL' });
    const atKill = batches;
    await waitFor(() => batches >= atKill + 10, { timeoutMs: 120_000, what: 'producers going on with two brokers' });
    expect(['started', 'running']).toContain(await startNode('kafka', killed as number));
    const broker = killed as number;
    killed = undefined;
    await waitFor(async () => (await admin.describeCluster()).brokers.some((b) => b.nodeId === broker), { timeoutMs: 120_000, what: 'broker back' });
    const atRestart = batches;
    await waitFor(() => batches >= atRestart + 6, { timeoutMs: 120_000, what: 'records flowing after the restart' });
    stop = true;
    await Promise.all(streams);

    const keys = await readBack(acknowledged.size);
    const lost = [...acknowledged].filter((k) => !keys.has(k));
    expect(acknowledged.size).toBeGreaterThan(STREAMS * BATCH * 20);
    expect(lost).toEqual([]);
  });
});
