import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createKafka } from '../../pipeline/clients/kafka.js';
import { createRedis } from '../../pipeline/clients/redis.js';
import { type Config, loadConfig } from '../../pipeline/config/config.js';
import { type Names, names } from '../../pipeline/contracts/names.js';
import { waitUntilProcessed, waitUntilPublished } from '../demo/demo-waits.js';
import { type FeedTarget, feedTarget } from '../demo/feed-target.js';
import { deletePipelineApps, ECOSYSTEM_FILE, startPipelineApps } from '../demo/pipeline-apps.js';
import { freePort } from '../demo/port-probe.js';
import { ProducerPolls } from '../demo/producer-polls.js';
import { runSetup } from '../../pipeline/setup/index.js';
import { RAW_FEEDS } from '../../pipeline/contracts/names.js';
import { topologyNames } from '../../pipeline/topology/topology-names.js';
import { feedServerEnv } from '../../producers/feed-server/feed-server.js';
import { RecordedFeedData } from '../../producers/feed-server/recorded-feed-data.js';
import { deleteNamespace } from './namespace-cleanup.js';
import { type Pm2App, pm2, pm2Apps } from './pm2-home.js';

/** Options of `PipelineUnderTest.start`. */
export interface PipelineUnderTestOptions {
  /** Recorded data directory (layout of `../shared/data`). */
  dataDir: string;
  /** Events per second each producer publishes at most. */
  rate: number;
  /** Fresh namespace of the run. */
  namespace: string;
  log: Logger;
}

/** The producer apps of the ecosystem file. */
export const PRODUCER_APPS = ['producer-blocks', 'producer-mempool', 'producer-prices'] as const;

/**
 * The whole pipeline as `npm run demo` runs it (pm2 apps of `ecosystem.config.cjs`: feed server on
 * the recorded data, the three producers, the topology workers), in a fresh namespace and a pm2
 * home of its own (`.run/fault/<namespace>/pm2`), so that a fault scenario never touches another
 * run's apps, topics, indices or keys. The stack is expected to be up (it is not started here:
 * starting it would also restart a node someone else killed on purpose).
 */
export class PipelineUnderTest {
  private constructor(
    readonly env: NodeJS.ProcessEnv,
    readonly config: Config,
    readonly names: Names,
    readonly target: FeedTarget,
    readonly kafka: Kafka,
    readonly admin: Admin,
    readonly redis: Redis,
    /** When the apps were started, epoch ms. */
    readonly startedMs: number,
    private readonly log: Logger,
  ) {}

  /**
   * How far the producers' clock is from this process's (set by `restartProducers`). The demo's
   * "polled since the apps started" check compares the BullMQ completion time the producer
   * stamps with its own clock against this process's clock, so it must allow for the skew.
   */
  private producerClockOffsetMs = 0;

  /** Sets up the namespace's topics and indices and starts the apps. */
  static async start(options: PipelineUnderTestOptions): Promise<PipelineUnderTest> {
    const dataDir = resolve(options.dataDir);
    const data = await RecordedFeedData.load(dataDir);
    const port = await freePort();
    const pm2Home = resolve('.run', 'fault', options.namespace, 'pm2');
    mkdirSync(pm2Home, { recursive: true });
    // The demo's environment (cli/demo.ts), with this run's namespace, pm2 home and rate.
    const env: NodeJS.ProcessEnv = {
      POLL_BLOCKS_MS: '2000',
      POLL_PRICES_MS: '2000',
      ...process.env,
      NAMESPACE: options.namespace,
      PM2_HOME: pm2Home,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      DEMO_DATA: dataDir,
      DEMO_FEED_PORT: String(port),
      ...feedServerEnv(`http://127.0.0.1:${port}`),
      FEED_BLOCKS_START_HEIGHT: '0',
      FEED_PRICES_START_TIME: '0',
      FEED_PUBLISH_RATE: String(options.rate),
      POOLS_FILE: join(dataDir, 'pools', 'pools-v2.json'),
    };
    const config = loadConfig(env);
    const n = names(options.namespace);
    await runSetup(config, { log: options.log });
    const kafka = createKafka(config, { clientIdSuffix: 'fault', log: options.log.child({ component: 'kafkajs' }) });
    const admin = kafka.admin();
    await admin.connect();
    const redis = createRedis(config);
    const startedMs = Date.now();
    startPipelineApps(env, options.log);
    return new PipelineUnderTest(env, config, n, feedTarget(data, config.feeds.priceProviders), kafka, admin, redis, startedMs, options.log);
  }

  /** The pm2 apps of this run. */
  apps(): Pm2App[] {
    return pm2Apps(this.env);
  }

  /** The feed server now serves another tip (a reorg): publishing is complete once the producers reach it. */
  followTip(tip: { height: number; hash: string }): void {
    this.target.tip = tip;
  }

  /**
   * Waits until the producers have published everything the feed server holds and the topology
   * has committed every record and written every aggregate (the demo's waits, which retry
   * transient errors); throws `DemoTimeoutError` at the deadline.
   */
  async waitUntilDone(deadlineMs: number): Promise<void> {
    const polls = new ProducerPolls(this.config, this.names);
    try {
      const waits = { admin: this.admin, redis: this.redis, polls, names: this.names, log: this.log, deadlineMs, intervalMs: 2_000 };
      await waitUntilPublished(this.target, this.startedMs + this.producerClockOffsetMs, waits);
      await waitUntilProcessed(waits);
    } finally {
      await polls.close();
    }
  }

  /**
   * Deletes the producer apps and starts them again with `extraEnv` added to their environment;
   * `clockOffsetMs` says how far that environment sets their clock from the real one.
   */
  restartProducers(extraEnv: NodeJS.ProcessEnv, clockOffsetMs = 0): void {
    const env = { ...this.env, ...extraEnv };
    this.producerClockOffsetMs = clockOffsetMs;
    pm2(['delete', ...PRODUCER_APPS], env);
    pm2(['start', ECOSYSTEM_FILE, '--only', PRODUCER_APPS.join(',')], env);
  }

  /**
   * What an operator looks at when the flow does not finish: per raw-topic partition the group's
   * committed offset and the end offset (only partitions behind), and the last error and warning
   * lines of the topology workers' pm2 logs.
   */
  async diagnosis(maxLines = 40): Promise<{ behind: { topic: string; partition: number; committed: string; end: string }[]; workerLog: string[] }> {
    const behind: { topic: string; partition: number; committed: string; end: string }[] = [];
    const groups = topologyNames(this.names).consumerGroups;
    for (const feed of RAW_FEEDS) {
      const topic = this.names.topics[feed];
      const [ends, [committed]] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId: groups[feed], topics: [topic] })]);
      const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, p.offset]));
      for (const e of ends) {
        const c = done.get(e.partition) ?? '-1';
        if (c !== e.high) behind.push({ topic, partition: e.partition, committed: c, end: e.high });
      }
    }
    const logDir = join(this.env.PM2_HOME as string, 'logs');
    const lines = existsSync(logDir)
      ? readdirSync(logDir)
          .filter((f) => f.startsWith('topology-worker'))
          .flatMap((f) => readFileSync(join(logDir, f), 'utf8').split('\n'))
          .filter((l) => /"level":(40|50|60)/.test(l) && !l.includes('"kafkajs"'))
      : [];
    return { behind, workerLog: lines.slice(-maxLines).map((l) => l.slice(0, 600)) };
  }

  /** Stops the apps and the pm2 daemon; unless `keepData`, deletes the namespace and the pm2 home. */
  async stop(options: { keepData: boolean }): Promise<void> {
    try {
      deletePipelineApps(this.env, this.log);
      pm2(['kill'], this.env);
    } catch (err) {
      this.log.warn({ err }, 'pm2 apps not stopped');
    }
    await this.admin.disconnect().catch(() => undefined);
    this.redis.disconnect();
    if (options.keepData) return;
    await deleteNamespace(this.config, this.names);
    rmSync(resolve(this.env.PM2_HOME as string, '..'), { recursive: true, force: true });
  }
}
