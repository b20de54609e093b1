import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { loadConfig, type Config } from '../../../pipeline/config/config.js';
import { names, type Names } from '../../../pipeline/contracts/names.js';
import { deleteTopics, setupTopics } from '../../../pipeline/setup/index.js';
import { waitFor } from '../../support/wait-for.js';

/** A fresh namespace for one test file. */
export function freshNamespace(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
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

  /** Connects the admin client to topics that exist already (`close` disconnects it, keeping them). */
  async connect(): Promise<Admin> {
    const admin = this.kafka.admin();
    await admin.connect();
    this.admin = admin;
    return admin;
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = null;
  }

  async create(): Promise<void> {
    await setupTopics(await this.connect(), this.names, { partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 });
  }

  /** Messages in `topic` (sum of partition high watermarks). */
  async count(topic: string): Promise<number> {
    const offsets = await (this.admin as Admin).fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  }

  /**
   * Every message of `topic` once, in partition and offset order, read from the beginning by a
   * fresh consumer group until each partition reached its high watermark (a rebalance that
   * redelivers messages cannot hide missing ones).
   */
  async readAll(topic: string): Promise<{ key: string | null; value: string }[]> {
    const offsets = await (this.admin as Admin).fetchTopicOffsets(topic);
    const last = new Map(offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high) - 1]));
    const seen = new Map<string, { partition: number; offset: number; key: string | null; value: string }>();
    const reached = new Map<number, number>();
    if (last.size === 0) return [];
    const consumer = this.kafka.consumer({ groupId: `test-read-${randomBytes(4).toString('hex')}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        seen.set(`${partition}:${offset}`, { partition, offset, key: message.key?.toString('utf8') ?? null, value: message.value?.toString('utf8') ?? '' });
        reached.set(partition, Math.max(reached.get(partition) ?? -1, offset));
      },
    });
    try {
      const done = () => [...last].every(([partition, high]) => (reached.get(partition) ?? -1) >= high);
      await waitFor(done, { timeoutMs: 120_000, what: `every partition of ${topic} read to its high watermark` });
    } finally {
      await consumer.disconnect();
    }
    return [...seen.values()].sort((a, b) => a.partition - b.partition || a.offset - b.offset).map(({ key, value }) => ({ key, value }));
  }

  async destroy(): Promise<void> {
    const admin = this.admin;
    if (admin === null) return;
    const topics = [...Object.values(this.names.topics), ...Object.values(this.names.deadLetter)];
    await deleteTopics(admin, topics).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Deletes every Redis key of `namespace` (producer cursors, BullMQ queues). */
export async function deleteNamespaceKeys(config: Config, namespace: string): Promise<void> {
  const redis = new Redis(config.redis.url, config.redis.password ? { password: config.redis.password } : {});
  try {
    const keys = await redis.keys(`${namespace}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
