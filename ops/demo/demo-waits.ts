import type { Admin } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Names } from '../../pipeline/contracts/names.js';
import { isTransientError } from '../../pipeline/clients/transient-error.js';
import { PipelineError } from '../../pipeline/runtime/index.js';
import { processingProgress, type ProcessingProgressByTopic } from '../../pipeline/topology/processing-progress.js';
import { topologyNames } from '../../pipeline/topology/topology-names.js';
import { type FeedTarget, publishingProgress, type PublishingProgress } from './feed-target.js';
import type { ProducerPolls } from './producer-polls.js';
import { describeGroupActivity } from '../consumer-groups.js';

/** The demo did not reach a stage before its deadline. */
export class DemoTimeoutError extends PipelineError {
  constructor(
    readonly stage: 'publishing' | 'processing',
    readonly last: unknown,
  ) {
    super(`demo not done ${stage} before the deadline`);
  }
}

/** What the waits need: clients, names, the producers' poll queues, a logger for progress lines, a deadline (epoch ms). */
export interface DemoWaitOptions {
  admin: Admin;
  redis: Redis;
  names: Names;
  polls: ProducerPolls;
  log: Logger;
  deadlineMs: number;
  /** Poll interval; default 1 s. */
  intervalMs?: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the producers' cursors reach `target` (every recorded event is in the raw topics)
 * and both the block and the price producer have completed a poll since `sinceMs` (so a second
 * demo, whose cursors are already there, still sees the restarted producers look and find nothing).
 */
export async function waitUntilPublished(target: FeedTarget, sinceMs: number, options: DemoWaitOptions): Promise<PublishingProgress> {
  const { redis, names, polls, log, deadlineMs, intervalMs = 1_000 } = options;
  let last: unknown = null;
  for (;;) {
    try {
      const progress = await publishingProgress(redis, names, target);
      const polled = { blocks: await polls.lastCompleted('blocks'), prices: await polls.lastCompleted('prices') };
      const polledSince = Object.values(polled).every((t) => t !== null && t >= sinceMs);
      if (progress.done && polledSince) return progress;
      last = { ...progress, polled };
      log.info(
        {
          blockHeight: progress.blocks?.height ?? null,
          tipHeight: target.tip?.height ?? null,
          priceCursors: progress.prices,
          lastPrices: target.priceCursors,
          polledSince,
        },
        'waiting for the producers',
      );
    } catch (err) {
      if (!isTransientError(err)) throw err;
      log.warn({ err }, 'publishing progress not readable; retrying');
    }
    if (Date.now() > deadlineMs) throw new DemoTimeoutError('publishing', last);
    await pause(intervalMs);
  }
}

/**
 * Waits until the topology's consumer groups are running (a member on every raw topic: the workers
 * are up), have committed every record of the raw topics, and every dirty aggregate is written.
 * Transient errors (a broker restarting moves leaders and coordinators; Redis or Elasticsearch
 * restarting) are retried until the deadline.
 */
export async function waitUntilProcessed(options: Omit<DemoWaitOptions, 'polls'>): Promise<ProcessingProgressByTopic> {
  const { admin, redis, names, log, deadlineMs, intervalMs = 1_000 } = options;
  const groupIds = Object.values(topologyNames(names).consumerGroups);
  let last: (ProcessingProgressByTopic & { groupsStable: boolean }) | null = null;
  for (;;) {
    try {
      const groups = await describeGroupActivity(admin, groupIds);
      const groupsStable = groups.every((g) => g.state === 'Stable' && g.members.length > 0);
      last = { ...(await processingProgress(admin, redis, names)), groupsStable };
    } catch (err) {
      if (!isTransientError(err)) throw err;
      log.warn({ err }, 'progress not readable; retrying');
    }
    if (last?.done === true && last.groupsStable) return last;
    if (Date.now() > deadlineMs) throw new DemoTimeoutError('processing', last);
    if (last !== null) {
      const { lag, records, dirtyAggregates, topics, groupsStable } = last;
      log.info(
        { lag, records, dirtyAggregates, lagByTopic: Object.fromEntries(Object.entries(topics).map(([k, v]) => [k, v.lag])), workersJoined: groupsStable },
        'waiting for the topology',
      );
    }
    await pause(intervalMs);
  }
}
