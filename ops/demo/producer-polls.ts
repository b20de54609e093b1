import { Queue } from 'bullmq';
import { bullmqConnection } from '../../pipeline/clients/redis.js';
import type { Config } from '../../pipeline/config/config.js';
import type { Names } from '../../pipeline/contracts/names.js';

/** A feed whose producer polls as a BullMQ job scheduler. */
export type PolledFeed = 'blocks' | 'prices' | 'mempool';

/**
 * Reads the producers' poll queues (BullMQ queue `feed` under `names(ns).producerQueuePrefix`,
 * see `PollScheduler`) to tell a producer that has looked and found nothing new from one that
 * has not polled yet.
 */
export class ProducerPolls {
  private readonly queues = new Map<PolledFeed, Queue>();

  constructor(
    private readonly config: Config,
    private readonly names: Names,
  ) {}

  /** Time (epoch ms) when the last completed poll of `feed` finished, or null if none did. */
  async lastCompleted(feed: PolledFeed): Promise<number | null> {
    const [job] = await this.queue(feed).getJobs(['completed'], 0, 0, false);
    return job?.finishedOn ?? null;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }

  private queue(feed: PolledFeed): Queue {
    let queue = this.queues.get(feed);
    if (queue === undefined) {
      queue = new Queue(feed, { prefix: this.names.producerQueuePrefix, connection: bullmqConnection(this.config, `demo:${feed}`) });
      this.queues.set(feed, queue);
    }
    return queue;
  }
}
