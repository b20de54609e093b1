import { Queue, type ConnectionOptions } from 'bullmq';
import type { RuntimeKeys } from './keys.js';
import type { TaskAddress, Transport } from './transport.js';
import type { WireTuple } from './wire-tuple.js';

/**
 * Sends tuple batches to bolt tasks: one BullMQ queue per task, one job per batch. Jobs have a
 * single attempt and are removed when done: replay is the acker's business, not BullMQ's.
 */
export class BullmqTransport implements Transport {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly keys: RuntimeKeys,
  ) {}

  async send(target: TaskAddress, tuples: readonly WireTuple[]): Promise<void> {
    await this.queue(target).add('tuples', { tuples }, { attempts: 1, removeOnComplete: true, removeOnFail: true });
  }

  /** Jobs waiting in a task's queue. */
  async waiting(target: TaskAddress): Promise<number> {
    return this.queue(target).getWaitingCount();
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }

  private queue(target: TaskAddress): Queue {
    const name = this.keys.taskQueue(target.component, target.task);
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.keys.queuePrefix });
      this.queues.set(name, q);
    }
    return q;
  }
}
