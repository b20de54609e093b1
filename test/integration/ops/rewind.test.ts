import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../../pipeline/clients/kafka.js';
import { loadConfig } from '../../../pipeline/config/config.js';
import { names } from '../../../pipeline/contracts/names.js';
import { KAFKA_SPOUT_SESSION_TIMEOUT_MS } from '../../../pipeline/runtime/index.js';
import { deleteTopics, setupTopics } from '../../../pipeline/setup/index.js';
import { topologyNames } from '../../../pipeline/topology/topology-names.js';
import { runCommand } from '../../support/run-command.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * `npm run rewind` on a fresh namespace: a consumer of the topology's transactions group commits
 * every record; while it runs the command refuses (exit 2, naming the member); once it stopped,
 * the group moves to the earliest offsets, to an offset, and to a time (records carry explicit
 * Kafka timestamps: a first wave in 2020, a second in 2023).
 */

const namespace = `rw${randomBytes(3).toString('hex')}`;
const env = { ...process.env, NAMESPACE: namespace, LOG_LEVEL: 'warn' };
const config = loadConfig(env);
const n = names(namespace);
const groupId = topologyNames(n).consumerGroups.transactions;
const topic = n.topics.transactions;
const WAVE_1 = 40;
const WAVE_2 = 25;
const T1 = Date.parse('2020-06-01T00:00:00Z');
const T2 = Date.parse('2023-06-01T00:00:00Z');
let kafka: Kafka;
let admin: Admin;
let consumer: Consumer | undefined;

/** Committed offset of the group per partition (-1: none). */
async function committed(): Promise<Map<number, number>> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

/** Records of each partition written before T2 (the first wave), counted from the topic itself. */
async function waveOneByPartition(): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  const readerGroup = `${namespace}-count-${randomBytes(3).toString('hex')}`;
  const reader = kafka.consumer({ groupId: readerGroup });
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await reader.run({
    eachMessage: async ({ partition, message }) => {
      seen += 1;
      if (Number(message.timestamp) < T2) counts.set(partition, (counts.get(partition) ?? 0) + 1);
    },
  });
  const total = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  await waitFor(() => seen >= total, { timeoutMs: 60_000, what: 'every record counted' });
  await reader.disconnect();
  await admin.deleteGroups([readerGroup]).catch(() => undefined);
  return counts;
}

beforeAll(async () => {
  kafka = createKafka(config, { clientIdSuffix: 'rewind-test' });
  admin = kafka.admin();
  await admin.connect();
  await setupTopics(admin, n, { partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const wave = (count: number, t: number, tag: string) =>
    Array.from({ length: count }, (_, i) => ({ key: `${tag}-${i}`, value: `{"n":${i}}`, timestamp: String(t + i) }));
  await producer.send({ topic, acks: -1, messages: wave(WAVE_1, T1, 'a') });
  await producer.send({ topic, acks: -1, messages: wave(WAVE_2, T2, 'b') });
  await producer.disconnect();

  // A member of the group that reads and commits everything, then stays in the group.
  consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async () => undefined });
  // The group has committed every record once its offsets reach each partition's end. The ends
  // are read from the topic, not assumed to be the 65 records sent: the producer is at least
  // once, and a send retried after a lost response (a new topic's leaders are still moving) can
  // write a batch twice (a CI run held 90 records).
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  expect([...ends.values()].reduce((s, o) => s + o, 0)).toBeGreaterThanOrEqual(WAVE_1 + WAVE_2);
  let last = new Map<number, number>();
  await waitFor(
    async () => {
      last = await committed();
      return [...ends].every(([partition, end]) => last.get(partition) === end);
    },
    { timeoutMs: 120_000, what: 'the group committed every record' },
  ).catch((err: unknown) => {
    throw new Error(`group committed ${JSON.stringify([...last])} of ${JSON.stringify([...ends])}`, { cause: err });
  });
});

afterAll(async () => {
  await consumer?.disconnect().catch(() => undefined);
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await deleteTopics(admin, [...Object.values(n.topics), ...Object.values(n.deadLetter)]).catch(() => undefined);
  await admin.disconnect();
});

describe('npm run rewind', () => {
  it('refuses while the group has a running member, naming it, and moves nothing', async () => {
    const before = await committed();
    const result = await runCommand('rewind.ts', ['--group', 'transactions', '--to', 'earliest'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refused');
    expect(result.stderr).toContain(groupId);
    const members = (await admin.describeGroups([groupId])).groups[0]?.members ?? [];
    expect(members.length).toBeGreaterThan(0);
    for (const m of members) expect(result.stderr).toContain(m.clientId);
    expect(await committed()).toEqual(before);
  });

  it('moves the stopped group to the earliest offsets, printing before and after per partition', async () => {
    await consumer?.disconnect();
    consumer = undefined;
    await waitFor(async () => (await admin.describeGroups([groupId])).groups[0]?.state === 'Empty', { timeoutMs: 30_000, what: 'group empty' });
    const before = await committed();
    const result = await runCommand('rewind.ts', ['--group', groupId, '--to', 'earliest'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const after = await committed();
    const lows = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.low)]));
    expect(after).toEqual(lows);
    for (const [partition, offset] of before) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${partition}\\s+${offset}\\s+${lows.get(partition)}\\s`, 'm'));
    }
  });

  it("moves the group to one offset on every partition, clamped to each partition's end", async () => {
    const result = await runCommand('rewind.ts', ['--group', 'transactions', '--to', '12'], env);
    expect(result.code).toBe(0);
    const highs = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    expect(await committed()).toEqual(new Map([...highs].map(([p, high]) => [p, Math.min(12, high)])));
  });

  it('moves the group to the first record written at or after an ISO time', async () => {
    const result = await runCommand('rewind.ts', ['--group', 'transactions', '--topic', topic, '--to', '2022-01-01T00:00:00Z'], env);
    expect(result.code).toBe(0);
    const waveOne = await waveOneByPartition();
    const partitions = (await admin.fetchTopicOffsets(topic)).map((p) => p.partition);
    expect(await committed()).toEqual(new Map(partitions.map((p) => [p, waveOne.get(p) ?? 0])));
  });

  it('waits for a member killed without leaving the group to expire, then moves the group', async () => {
    // A spout-like member in another process, SIGKILLed once it joined: it never sends a leave,
    // so the coordinator lists it until its session times out.
    const script = `
      const { Kafka } = require('kafkajs');
      const consumer = new Kafka({ brokers: ${JSON.stringify(config.kafka.brokers)}, logLevel: 0 })
        .consumer({ groupId: ${JSON.stringify(groupId)}, sessionTimeout: ${KAFKA_SPOUT_SESSION_TIMEOUT_MS}, heartbeatInterval: 1000 });
      consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('joined\\n'));
      consumer.connect()
        .then(() => consumer.subscribe({ topic: ${JSON.stringify(topic)}, fromBeginning: true }))
        .then(() => consumer.run({ eachMessage: async () => undefined }));`;
    const member = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let printed = '';
    member.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
    await waitFor(() => printed.includes('joined'), { timeoutMs: 60_000, what: 'the member joined' });
    const exited = once(member, 'exit');
    member.kill('SIGKILL');
    await exited;
    expect((await admin.describeGroups([groupId])).groups[0]?.members.length).toBe(1);

    const result = await runCommand('rewind.ts', ['--group', 'transactions', '--to', 'earliest'], env);
    expect(result.code, result.stderr).toBe(0);
    const lows = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.low)]));
    expect(await committed()).toEqual(lows);
  });

  it('rejects an unreadable target and a topic the group does not consume (exit 2)', async () => {
    expect((await runCommand('rewind.ts', ['--group', 'transactions', '--to', 'yesterday'], env)).code).toBe(2);
    const other = await runCommand('rewind.ts', ['--group', 'transactions', '--topic', 'prices', '--to', 'earliest'], env);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(n.topics.prices);
  });
});
