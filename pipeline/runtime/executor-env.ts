import type { Logger } from 'pino';
import type { AckerStore, AckerUpdate } from './acker-store.js';
import type { Batcher } from './batcher.js';
import type { Clock } from './clock.js';
import type { RuntimeMetrics } from './metrics.js';
import type { QueueBackpressure } from './queue-backpressure.js';
import type { Router } from './router.js';
import type { Topology } from './topology-definition.js';
import type { WireTuple } from './wire-tuple.js';

/** What every executor of one worker (or of a local cluster) shares. */
export interface ExecutorEnv {
  topology: Topology;
  workerId: string;
  log: Logger;
  clock: Clock;
  router: Router;
  /** Outgoing tuples, keyed by `transferKey(component, task)`. */
  transfer: Batcher<WireTuple>;
  /** Outgoing acker updates (one key). */
  acks: Batcher<AckerUpdate>;
  acker: AckerStore;
  metrics: RuntimeMetrics;
  messageTimeoutMs: number;
  maxSpoutPending: number;
  /** First deliveries of one `nextTuple` call that share one tuple tree (1: a tree per message). */
  treeBatchSize: number;
  /**
   * The in-process task queues' backpressure (a worker's operator chaining); none in a local
   * cluster, whose queues are drained one round at a time.
   */
  backpressure?: Pick<QueueBackpressure, 'blocked' | 'onClear'>;
}

/** Batcher key of a target task. */
export function transferKey(component: string, task: number): string {
  return `${component}\u0000${task}`;
}

/** Inverse of `transferKey`. */
export function parseTransferKey(key: string): { component: string; task: number } {
  const i = key.indexOf('\u0000');
  return { component: key.slice(0, i), task: Number(key.slice(i + 1)) };
}
