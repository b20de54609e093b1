import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { runtimeConnections } from '../pipeline/clients/runtime-connections.js';
import { loadConfig, type Config } from '../pipeline/config/config.js';
import { readClusterMetrics, runtimeKeys, type ClusterMetrics, type DeadLetter } from '../pipeline/runtime/index.js';
import { sampleSinkKeys, type SampleRecord } from '../pipeline/runtime/testing/index.js';
import { deleteKeys } from '../pipeline/clients/delete-keys.js';
import { waitUntil } from '../stack/wait-until.js';

/** `waitUntil`, what first, as this harness reads best. */
const waitFor = <T>(what: string, check: () => T | Promise<T>, timeoutMs: number, intervalMs = 200) =>
  waitUntil(async () => (await check()) || null, { what, timeoutMs, intervalMs });

const WORKER = fileURLToPath(new URL('./sample-worker.ts', import.meta.url));

/** Runtime settings of the child workers (short timeouts for tests). */
export type WorkerEnv = Record<string, string>;

const BASE_ENV: WorkerEnv = {
  LOG_LEVEL: 'warn',
  MESSAGE_TIMEOUT_MS: '8000',
  MAX_SPOUT_PENDING: '300',
  MAX_ATTEMPTS: '10',
  BACKOFF_BASE_MS: '100',
  BACKOFF_MAX_MS: '1000',
  WORKER_HEARTBEAT_MS: '300',
  // Generous: on a loaded 2-core machine the event loop can lag by seconds, and a lost lease
  // forces a task to move.
  WORKER_TTL_MS: '3000',
  TRANSPORT_BATCH_SIZE: '50',
  TRANSPORT_LINGER_MS: '5',
};

/** One run of the sample topology on the real stack, with fresh names; `cleanup()` removes everything. */
export class SampleRun {
  readonly id = randomBytes(4).toString('hex');
  readonly topology = `rt-it-${this.id}`;
  readonly topic = `rt-it-${this.id}.records`;
  readonly deadLetterTopic = `rt-it-${this.id}.records.dlq`;
  readonly sinkPrefix = `rt-it:${this.id}`;
  readonly config: Config;
  readonly redis: Redis;
  private readonly kafka: Kafka;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  readonly workers = new Map<string, { child: ChildProcess; output: string[] }>();

  constructor(
    private readonly env: WorkerEnv = {},
    private readonly topologyOptions: { failRate?: number; parseParallelism?: number; sumParallelism?: number } = {},
  ) {
    this.config = loadConfig({ ...process.env, ...BASE_ENV, ...env });
    this.redis = new Redis(this.config.redis.url, { maxRetriesPerRequest: 20 });
    this.kafka = new Kafka({ clientId: `rt-it-${this.id}`, brokers: this.config.kafka.brokers, logLevel: logLevel.NOTHING, retry: { retries: 10 } });
  }

  /** Creates the topics. */
  async setup(partitions: number): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await this.admin.createTopics({
      waitForLeaders: false,
      topics: [
        { topic: this.topic, numPartitions: partitions, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] },
        { topic: this.deadLetterTopic, numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] },
      ],
    });
    const admin = this.admin;
    await waitFor(
      'topic leaders',
      async () => {
        const { topics } = await admin.fetchTopicMetadata({ topics: [this.topic, this.deadLetterTopic] });
        return topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      },
      60_000,
    );
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
  }

  /** Produces records (JSON values, or raw strings), optionally to a fixed partition. */
  async produce(records: readonly (SampleRecord | string)[], partition?: number): Promise<void> {
    const producer = this.producer as Producer;
    for (let i = 0; i < records.length; i += 500) {
      await producer.send({
        topic: this.topic,
        acks: -1,
        messages: records.slice(i, i + 500).map((r) => ({
          key: typeof r === 'string' ? 'raw' : r.key,
          value: typeof r === 'string' ? r : JSON.stringify(r),
          ...(partition === undefined ? {} : { partition }),
        })),
      });
    }
  }

  /** Spawns a worker process; resolves when it reports ready. */
  async startWorker(workerId: string, extraEnv: WorkerEnv = {}): Promise<void> {
    const args = JSON.stringify({
      topology: this.topology,
      topic: this.topic,
      deadLetterTopic: this.deadLetterTopic,
      sinkPrefix: this.sinkPrefix,
      workerId,
      ...this.topologyOptions,
    });
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, args], {
      env: { ...process.env, ...BASE_ENV, ...this.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    let ready = false;
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.includes('"ready":true')) ready = true;
        if (line.length > 0) output.push(line.slice(0, 2000));
      }
      if (output.length > 5000) output.splice(0, output.length - 5000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.workers.set(workerId, { child, output });
    await waitFor(
      `worker ${workerId} ready`,
      () => {
        if (child.exitCode !== null) throw new Error(`worker ${workerId} exited ${child.exitCode}: ${output.slice(-20).join('\n')}`);
        return ready;
      },
      60_000,
      100,
    );
  }

  /** Sends a signal to a worker and waits for it to exit. */
  async signal(workerId: string, signal: NodeJS.Signals): Promise<number | null> {
    const w = this.workers.get(workerId);
    if (!w || w.child.exitCode !== null || w.child.signalCode !== null) return w?.child.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => w.child.once('exit', (code) => resolve(code)));
    w.child.kill(signal);
    return exited;
  }

  /** Sums and counts per key in the sink. */
  async sink(): Promise<{ sums: Record<string, number>; counts: Record<string, number>; seen: Record<string, string> }> {
    const keys = sampleSinkKeys(this.sinkPrefix);
    const [sums, counts, seen] = await Promise.all([this.redis.hgetall(keys.sums), this.redis.hgetall(keys.counts), this.redis.hgetall(keys.seen)]);
    const num = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)]));
    return { sums: num(sums), counts: num(counts), seen };
  }

  /** Sets or clears the stall switch of the `sum` bolt. */
  async stall(on: boolean): Promise<void> {
    const key = sampleSinkKeys(this.sinkPrefix).stall;
    if (on) await this.redis.set(key, '1');
    else await this.redis.del(key);
  }

  /** Metrics of every live worker, summed. */
  metrics(): Promise<ClusterMetrics> {
    return readClusterMetrics(runtimeConnections(this.config), this.config.runtime, this.topology);
  }

  /** Reads the dead-letter topic until `count` letters arrived. */
  async deadLetters(count: number, timeoutMs = 60_000): Promise<DeadLetter[]> {
    const consumer = this.kafka.consumer({ groupId: `rt-it-${this.id}-dlq-${randomBytes(3).toString('hex')}` });
    const letters: DeadLetter[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: this.deadLetterTopic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void letters.push(JSON.parse(message.value?.toString('utf8') ?? 'null') as DeadLetter) });
    try {
      await waitFor(`${count} dead letters`, () => letters.length >= count, timeoutMs);
    } finally {
      await consumer.disconnect();
    }
    return letters;
  }

  /**
   * Sums and counts per key of what the topic really holds, read with a plain consumer
   * (independent of the runtime). A producer retry across a broker restart can write a record
   * twice; each copy is a record the topology must count.
   */
  async topicContents(): Promise<{ records: number; sums: Record<string, number>; counts: Record<string, number> }> {
    const ends = await (this.admin as Admin).fetchTopicOffsets(this.topic);
    const total = ends.reduce((n, e) => n + Number(BigInt(e.high) - BigInt(e.low)), 0);
    const consumer = this.kafka.consumer({ groupId: `rt-it-${this.id}-check-${randomBytes(3).toString('hex')}` });
    const sums: Record<string, number> = {};
    const counts: Record<string, number> = {};
    let seen = 0;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen += 1;
        try {
          const r = JSON.parse(message.value?.toString('utf8') ?? '') as SampleRecord;
          if (r.poison) return;
          sums[r.key] = (sums[r.key] ?? 0) + r.amount;
          counts[r.key] = (counts[r.key] ?? 0) + 1;
        } catch {
          // not JSON: dead-lettered by the topology, counted nowhere
        }
      },
    });
    try {
      await waitFor('the whole topic read', () => seen >= total, 60_000);
    } finally {
      await consumer.disconnect();
    }
    return { records: total, sums, counts };
  }

  /** A one-line account of the run for failure messages. */
  async describe(): Promise<string> {
    const m = await this.metrics().catch(() => undefined);
    return JSON.stringify({ counted: countedRecords(await this.sink()), spout: m?.components.records?.totals, unreachable: m?.unreachable });
  }

  /** Committed offset and end offset per partition of the topic. */
  async offsets(): Promise<{ partition: number; committed: string; high: string }[]> {
    const admin = this.admin as Admin;
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(this.topic),
      admin.fetchOffsets({ groupId: `${this.topology}-records`, topics: [this.topic] }),
    ]);
    return ends.map((e) => ({
      partition: e.partition,
      high: e.high,
      committed: committed[0]?.partitions.find((p) => p.partition === e.partition)?.offset ?? '-1',
    }));
  }

  /** Last output lines of a worker (for failure messages). */
  output(workerId: string): string {
    return this.workers.get(workerId)?.output.slice(-40).join('\n') ?? '';
  }

  /** Kills the workers, deletes the topics and every Redis key of the run. */
  async cleanup(): Promise<void> {
    await Promise.all([...this.workers.keys()].map((id) => this.signal(id, 'SIGKILL')));
    await this.producer?.disconnect().catch(() => undefined);
    if (this.admin) {
      await this.admin.deleteTopics({ topics: [this.topic, this.deadLetterTopic] }).catch(() => undefined);
      await this.admin.deleteGroups([`${this.topology}-records`]).catch(() => undefined);
      await this.admin.disconnect();
    }
    await deleteKeys(this.redis, [runtimeKeys(this.topology).pattern, `${this.sinkPrefix}:*`]);
    this.redis.disconnect();
  }
}

/** `n` records over `keys` keys with varied amounts, and the sums they must give. */
export function sampleRecords(n: number, keys: number): { records: SampleRecord[]; sums: Record<string, number>; counts: Record<string, number> } {
  const records: SampleRecord[] = [];
  const sums: Record<string, number> = {};
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i += 1) {
    const key = `k${i % keys}`;
    const amount = (i * 7919) % 1000;
    records.push({ key, amount });
    sums[key] = (sums[key] ?? 0) + amount;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return { records, sums, counts };
}

/** Records counted in a sink snapshot. */
export function countedRecords(sink: { counts: Record<string, number> }): number {
  return Object.values(sink.counts).reduce((a, b) => a + b, 0);
}
