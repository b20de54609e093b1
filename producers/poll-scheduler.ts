import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { ProducerMetrics } from './producer-metrics.js';

/** Options of `PollScheduler`. */
export interface PollSchedulerOptions {
  /** Feed name; also the queue name under `prefix`. */
  feed: string;
  /** BullMQ prefix, `names(ns).producerQueuePrefix`. */
  prefix: string;
  connection: ConnectionOptions;
  everyMs: number;
  poll: () => Promise<unknown>;
  log: Logger;
  metrics: ProducerMetrics;
  /** Lock of a running poll; a crashed poller's job is taken over after this. Default 15 s. */
  lockDurationMs?: number;
}

/**
 * Runs a feed's poll as a BullMQ job scheduler. Every producer instance registers the same
 * scheduler id (an upsert, so there is one schedule) and a worker; the queue's global concurrency
 * of 1 means exactly one poll of the feed runs at a time across all instances. A failing poll is
 * logged once and counted here, and the process carries on.
 */
export class PollScheduler {
  private queue: Queue | null = null;
  private worker: Worker | null = null;

  constructor(private readonly options: PollSchedulerOptions) {}

  async start(): Promise<void> {
    const { feed, prefix, connection, everyMs, log, metrics } = this.options;
    const queue = new Queue(feed, { prefix, connection });
    queue.on('error', (err) => log.warn({ err, feed }, 'poll queue error'));
    await queue.setGlobalConcurrency(1);
    await queue.upsertJobScheduler(`${feed}-poll`, { every: everyMs }, { name: 'poll', opts: { removeOnComplete: 100, removeOnFail: 100 } });
    const lockDuration = this.options.lockDurationMs ?? 15_000;
    const worker = new Worker(
      feed,
      async () => {
        try {
          return await this.options.poll();
        } catch (err) {
          metrics.pollFailures.inc({ feed });
          log.error({ err, feed }, 'poll failed');
          throw err;
        }
      },
      { prefix, connection, concurrency: 1, lockDuration, stalledInterval: Math.max(1_000, Math.floor(lockDuration / 3)), maxStalledCount: 100 },
    );
    worker.on('error', (err) => log.warn({ err, feed }, 'poll worker error'));
    this.queue = queue;
    this.worker = worker;
  }

  /** Stops taking polls (a running poll finishes first); the schedule stays for other instances. */
  async stop(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
    this.worker = null;
    this.queue = null;
  }
}
