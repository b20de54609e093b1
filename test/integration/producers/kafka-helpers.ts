import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { loadConfig, type Config } from '../../../pipeline/config/config.js';
import { names, type Names } from '../../../pipeline/contracts/names.js';
import { deleteTopics, setupTopics } from '../../../pipeline/setup/index.js';

/** A fresh namespace for one test file. */
export function freshNamespace(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Resolves once `condition` holds, polling; rejects after `timeoutMs`. */
export async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Kafka admin on the stack, topics of `namespace` created, and a way to read them back. */
export class TestTopics {
  readonly config: Config;
  readonly names: Names;
  private readonly kafka: Kafka;
  private admin: Admin | null = null;

  constructor(namespace: string, env: Record<string, string> = {}) {
    this.config = loadConfig({ ...process.env, ...env, NAMESPACE: namespace });
    this.names = names(namespace);
    this.kafka = new Kafka({ clientId: `test-${namespace}`, brokers: this.config.kafka.brokers, logLevel: logLevel.NOTHING });
  }

  async create(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await setupTopics(this.admin, this.names, { partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 });
  }

  /** Messages in `topic` (sum of partition high watermarks). */
  async count(topic: string): Promise<number> {
    const offsets = await (this.admin as Admin).fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  }

  /** Every message of `topic`, read from the beginning by a fresh consumer group. */
  async readAll(topic: string): Promise<{ key: string | null; value: string }[]> {
    const total = await this.count(topic);
    const out: { key: string | null; value: string }[] = [];
    if (total === 0) return out;
    const consumer = this.kafka.consumer({ groupId: `test-read-${randomBytes(4).toString('hex')}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        out.push({ key: message.key?.toString('utf8') ?? null, value: message.value?.toString('utf8') ?? '' });
      },
    });
    try {
      await waitFor(() => out.length >= total, 120_000, `${total} messages of ${topic}`);
    } finally {
      await consumer.disconnect();
    }
    return out;
  }

  async destroy(): Promise<void> {
    const admin = this.admin;
    if (admin === null) return;
    const topics = [...Object.values(this.names.topics), ...Object.values(this.names.deadLetter)];
    await deleteTopics(admin, topics).catch(() => undefined);
    await admin.disconnect();
  }
}
