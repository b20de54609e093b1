import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../../pipeline/clients/kafka.js';
import { loadConfig } from '../../../pipeline/config/config.js';
import { names } from '../../../pipeline/contracts/names.js';
import type { DeadLetter } from '../../../pipeline/runtime/index.js';
import { deleteTopics, setupTopics } from '../../../pipeline/setup/index.js';
import { forEachDeadLetter, type StoredLetter } from '../../../ops/dead-letters.js';

/**
 * Reading the dead-letter topics: a raw record dead-lettered twice (read again after a rebalance,
 * before its offset was committed) is handed on once, with its first letter.
 */

const namespace = `dlr${randomBytes(3).toString('hex')}`;
const config = loadConfig({ ...process.env, NAMESPACE: namespace, LOG_LEVEL: 'warn' });
const n = names(namespace);
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  kafka = createKafka(config, { clientIdSuffix: 'it-dlq-read' });
  admin = kafka.admin();
  await admin.connect();
  await setupTopics(admin, n, { partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 });
});

afterAll(async () => {
  await deleteTopics(admin, [...Object.values(n.topics), ...Object.values(n.deadLetter)]).catch(() => undefined);
  await admin.disconnect();
});

function letter(offset: string, nowMs: number): string {
  const dead: DeadLetter = {
    kind: 'dead-letter',
    schema_version: 1,
    origin: { topic: n.topics.blocks, partition: 4, offset, key: 'k' },
    value: '{"not":"a block"}',
    value_encoding: 'utf8',
    reason: 'non-retriable error',
    error: { name: 'SchemaError', message: 'invalid block event: hash: Required', retriable: false },
    component: 'validate-blocks',
    attempts: 1,
    time: new Date(nowMs).toISOString(),
  };
  return JSON.stringify(dead);
}

describe('dead-letter topics, read by the dlq command', () => {
  it('hands on one letter per raw record, the first, however many times it was dead-lettered', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const t0 = Date.parse('2026-12-01T10:00:00Z');
    await producer.send({
      topic: n.deadLetter.blocks,
      messages: [
        { key: 'k', value: letter('0', t0) },
        { key: 'k', value: letter('7', t0 + 1_000) },
        // Offset 0 again, dead-lettered by the partition's next owner.
        { key: 'k', value: letter('0', t0 + 5_000) },
      ],
    });
    await producer.disconnect();
    const got: StoredLetter[] = [];
    await forEachDeadLetter(
      kafka,
      n,
      { feeds: ['blocks'] },
      (stored) => got.push(stored),
      () => undefined,
      { log: pino({ level: 'silent' }), deadlineMs: Date.now() + 60_000 },
    );
    expect(got.map((g) => [g.letter.origin.offset, g.letter.time])).toEqual([
      ['0', new Date(t0).toISOString()],
      ['7', new Date(t0 + 1_000).toISOString()],
    ]);
  });
});
