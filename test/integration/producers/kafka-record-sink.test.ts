import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../../pipeline/clients/kafka.js';
import { loadConfig } from '../../../pipeline/config/config.js';
import type { OutgoingRecord } from '../../../producers/event-publisher.js';
import { KafkaRecordSink } from '../../../producers/kafka-record-sink.js';
import { createReplicatedTopic, readTopic } from '../../support/test-topic.js';

// A publisher's batch (2,000 records by default) can hold more bytes than a broker takes in one
// record batch (`message.max.bytes`, 1 MiB by default), most of all on a topic of one partition.
const config = loadConfig();
const suffix = randomBytes(4).toString('hex');
const topic = `t-ksink-${suffix}.records`;
const RECORDS = 2_000;
let kafka: Kafka;
let admin: Admin;

/** 2,000 records of about 1 KiB each: 2 MiB for the topic's single partition. */
function records(tag: string): OutgoingRecord[] {
  const filler = 'x'.repeat(1_000);
  return Array.from({ length: RECORDS }, (_, i) => ({ key: `${tag}-${i}`, value: JSON.stringify({ tag, i, filler }) }));
}

beforeAll(async () => {
  kafka = createKafka(config, { clientIdSuffix: `test-ksink-${suffix}` });
  admin = kafka.admin();
  await admin.connect();
  await createReplicatedTopic(admin, topic, 1);
});

afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
});

describe('KafkaRecordSink', () => {
  it('writes a batch larger than a broker takes in one request, in order, by splitting it', async () => {
    // Without the split the broker refuses the batch: the case this test is about is real.
    const unsplit = new KafkaRecordSink(createKafka(config, { clientIdSuffix: `test-ksink-${suffix}-unsplit` }), { maxRequestBytes: Number.MAX_SAFE_INTEGER });
    try {
      await expect(unsplit.send(topic, records('unsplit'))).rejects.toThrow(/larger than the max message size/);
    } finally {
      await unsplit.close();
    }

    const sink = new KafkaRecordSink(createKafka(config, { clientIdSuffix: `test-ksink-${suffix}-split` }));
    try {
      await sink.send(topic, records('split'));
    } finally {
      await sink.close();
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(RECORDS);
    const keys = await readTopic(kafka, topic, RECORDS, (m) => m.key?.toString() ?? '');
    expect(keys).toEqual(records('split').map((r) => r.key));
  });
});
