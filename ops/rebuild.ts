import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import type { Config } from '../pipeline/config/config.js';
import { allIndices, type Names } from '../pipeline/contracts/names.js';
import { runtimeKeys } from '../pipeline/runtime/index.js';
import { PipelineError } from '../pipeline/runtime/index.js';
import { indicesGreen, setReplicas, setupIndices } from '../pipeline/setup/index.js';
import { processingProgress, type ProcessingProgressByTopic } from '../pipeline/topology/processing-progress.js';
import { topologyNames } from '../pipeline/topology/topology-names.js';
import { assertGroupsIdle, type GroupsIdleOptions, MEMBER_GRACE_MS } from './consumer-groups.js';
import { waitUntil, waitUntilEmpty, WaitTimeoutError } from '../stack/wait-until.js';
import { deleteKeys } from '../pipeline/clients/delete-keys.js';
import { rewind } from './rewind.js';
import { isTransientError } from '../pipeline/clients/transient-error.js';
import { retryTransient, type RetryTransientOptions } from '../pipeline/clients/transient-retry.js';
import { RefusalError } from './usage-error.js';
import type { WorkerProcesses } from './worker-processes.js';

/** Topology workers are registered as alive in Redis (they may be between joining and consuming). */
export class WorkersRunningError extends RefusalError {
  constructor(readonly workers: readonly { workerId: string; host: string; pid: string }[]) {
    super(`topology workers still alive: ${workers.map((w) => `${w.workerId} (pid ${w.pid} on ${w.host})`).join(', ')}`);
  }
}

/** The rebuild made no progress for too long. */
export class RebuildStalledError extends PipelineError {
  constructor(
    readonly stalledMs: number,
    readonly last: ProcessingProgressByTopic | null,
  ) {
    super(`rebuild made no progress for ${Math.round(stalledMs / 1000)} s (last progress: ${JSON.stringify(last)})`);
  }
}

/** The rebuilt indices did not get all their replicas back in time. */
export class ReplicasNotRestoredError extends PipelineError {
  constructor(
    readonly replicas: number,
    readonly waitedMs: number,
  ) {
    super(
      `the rebuilt indices did not get their ${replicas} replica(s) back within ${Math.round(waitedMs / 1000)} s (are all Elasticsearch nodes up?); the documents are complete, run \`npm run setup\` once the cluster is whole`,
      { retriable: true },
    );
  }
}

/** The clients a rebuild works with. */
export interface RebuildClients {
  admin: Admin;
  es: Client;
  redis: Redis;
}

/**
 * Refuses (`GroupActiveError`, `WorkersRunningError`) while any topology worker runs: a consumer
 * group of the topology has members, or a worker's heartbeat in Redis has not expired. A worker
 * stopped moments ago (killed, or whose leave did not reach the coordinator) is given
 * `graceMs` to drop out of its groups and let its heartbeat expire before the refusal.
 */
export async function assertTopologyStopped(clients: RebuildClients, n: Names, options: GroupsIdleOptions = {}): Promise<void> {
  await assertGroupsIdle(clients.admin, Object.values(topologyNames(n).consumerGroups), options);
  const keys = runtimeKeys(n.topology);
  const ids = await waitUntilEmpty(() => clients.redis.zrangebyscore(keys.workers, Date.now(), '+inf'), {
    timeoutMs: options.graceMs ?? MEMBER_GRACE_MS,
    intervalMs: options.intervalMs ?? 1_000,
    what: 'worker heartbeats to expire',
  });
  if (ids.length === 0) return;
  const workers = await Promise.all(
    ids.map(async (workerId) => {
      const h = await clients.redis.hgetall(keys.worker(workerId));
      return { workerId, host: h.host ?? '?', pid: h.pid ?? '?' };
    }),
  );
  throw new WorkersRunningError(workers);
}

/** What `resetDerivedStores` removed. */
export interface ResetResult {
  /** Documents per index before the reset (indices that did not exist are left out). */
  documentsBefore: Record<string, number>;
  redisKeysDeleted: number;
}

/**
 * Empties every store derived from the raw topics: deletes the namespace's indices and creates
 * them again from `es-templates/` (templates reinstalled) **without replicas**, and deletes the topology's Redis state
 * (`<ns>:app:analytics:*`) and runtime keys (`rt:<topology>:*`: queues, acker, leases). The
 * producers' cursors and chain keys (`<ns>:app:producer:*`) and every topic are left alone.
 *
 * Without replicas each document is indexed once instead of `replicas + 1` times (Elasticsearch's
 * advice for a bulk load); `restoreReplicas` copies the finished shards afterwards. Acknowledged
 * writes stay durable meanwhile (each bulk is fsynced to the primary's translog before it is
 * acknowledged), so a node that crashes pauses the rebuild, whose writes are retried until it is back.
 */
export async function resetDerivedStores(clients: RebuildClients, n: Names, config: Config): Promise<ResetResult> {
  const { es, redis } = clients;
  const indices = allIndices(n);
  const documentsBefore: Record<string, number> = {};
  for (const index of indices) {
    if (await es.indices.exists({ index })) documentsBefore[index] = (await es.count({ index })).count;
  }
  await es.indices.delete({ index: indices, ignore_unavailable: true });
  await setupIndices(es, n, config.elasticsearch);
  await setReplicas(es, n, 0);
  const t = topologyNames(n);
  const redisKeysDeleted = await deleteKeys(redis, [`${t.statePrefix}*`, runtimeKeys(n.topology).pattern]);
  return { documentsBefore, redisKeysDeleted };
}

/** One progress reading of a rebuild. */
export interface RebuildProgress {
  /** Records of the raw topics committed by the topology's groups. */
  committed: number;
  /** Records in the raw topics. */
  total: number;
  dirtyAggregates: number;
  done: boolean;
}

/** Options of `runUntilRebuilt`. */
export interface RunUntilRebuiltOptions {
  workers: WorkerProcesses;
  /** Give up when neither the committed records nor the dirty aggregates change for this long (default 600 000 ms). */
  stallTimeoutMs?: number;
  /** Between readings (default 1 000 ms). */
  intervalMs?: number;
  onProgress: (progress: RebuildProgress) => void;
  /** Told about each reading that failed on a transient error (the reading is retried). */
  onRetry?: RetryTransientOptions['onRetry'];
}

/**
 * Waits until the topology has committed every record of the raw topics and no aggregate is dirty
 * (two readings in a row: a tick may be between claiming an aggregate and writing it). Transient
 * errors while reading are retried; a crashed worker (beyond its restarts) or no progress for
 * `stallTimeoutMs` ends the wait with an error.
 */
export async function runUntilRebuilt(clients: RebuildClients, n: Names, options: RunUntilRebuiltOptions): Promise<RebuildProgress> {
  const stallTimeoutMs = options.stallTimeoutMs ?? 600_000;
  let last: ProcessingProgressByTopic | null = null;
  let lastChangeAt = performance.now();
  let doneReadings = 0;
  let failures = 0;
  for (;;) {
    const failure = options.workers.failure();
    if (failure !== null) throw failure;
    try {
      const p = await processingProgress(clients.admin, clients.redis, n);
      if (last === null || p.lag !== last.lag || p.records !== last.records || p.dirtyAggregates !== last.dirtyAggregates) lastChangeAt = performance.now();
      last = p;
      const progress = { committed: p.records - p.lag, total: p.records, dirtyAggregates: p.dirtyAggregates, done: p.done };
      options.onProgress(progress);
      doneReadings = p.done ? doneReadings + 1 : 0;
      if (doneReadings >= 2) return progress;
      failures = 0;
    } catch (err) {
      if (!isTransientError(err)) throw err;
      failures += 1;
      options.onRetry?.({
        what: 'reading the progress',
        err,
        attempt: failures,
        delayMs: options.intervalMs ?? 1_000,
        remainingMs: stallTimeoutMs - (performance.now() - lastChangeAt),
      });
    }
    const stalled = performance.now() - lastChangeAt;
    if (stalled > stallTimeoutMs) throw new RebuildStalledError(stalled, last);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000));
  }
}

/** Options of `restoreReplicas`. */
export interface RestoreReplicasOptions {
  /** Give up after this long without all replicas started (default 600 000 ms). */
  timeoutMs?: number;
  /** Told about each health reading that failed on a transient error (the reading is retried). */
  onRetry?: RetryTransientOptions['onRetry'];
}

/**
 * Gives the rebuilt indices their configured replicas back and waits until every copy is started
 * (health green): the indices are flushed first, so the replicas are copied from the primaries'
 * segment files, not indexed again.
 */
export async function restoreReplicas(clients: RebuildClients, n: Names, config: Config, options: RestoreReplicasOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const replicas = config.elasticsearch.replicas;
  const started = performance.now();
  // A flush first: a new replica copies the primary's last commit as files and replays the
  // operations after it, so without the flush it would index every document again.
  await retryTransient(
    'restoring the replicas',
    async () => {
      await clients.es.indices.flush({ index: allIndices(n) });
      await setReplicas(clients.es, n, replicas);
    },
    { onRetry: options.onRetry },
  );
  const remainingMs = () => timeoutMs - (performance.now() - started);
  await waitUntil(() => indicesGreen(clients.es, n, '10s'), {
    timeoutMs: Math.max(0, remainingMs()),
    intervalMs: 1_000,
    what: 'the replicas',
    retryIf: isTransientError,
    onRetry: (err, attempt) => options.onRetry?.({ what: 'waiting for the replicas', err, attempt, delayMs: 1_000, remainingMs: remainingMs() }),
  }).catch((err: unknown) => {
    throw err instanceof WaitTimeoutError ? new ReplicasNotRestoredError(replicas, performance.now() - started) : err;
  });
}

/** Documents per index of the namespace (after a refresh). */
export async function countDocuments(es: Client, n: Names): Promise<Record<string, number>> {
  const indices = allIndices(n);
  await es.indices.refresh({ index: indices });
  const out: Record<string, number> = {};
  for (const index of indices) out[index] = (await es.count({ index })).count;
  return out;
}

/** The steps of a rebuild before the topology runs, each retried through transient errors. */
export async function prepareRebuild(
  clients: RebuildClients,
  n: Names,
  config: Config,
  retry: RetryTransientOptions & { onStep: (step: string) => void },
): Promise<ResetResult> {
  retry.onStep('checking that no topology worker runs');
  await retryTransient('checking the topology workers', () => assertTopologyStopped(clients, n), retry);
  retry.onStep(`deleting and recreating the indices of ${n.namespace}, deleting the topology's Redis state`);
  const reset = await retryTransient('resetting the derived stores', () => resetDerivedStores(clients, n, config), retry);
  retry.onStep("rewinding the topology's consumer groups to the earliest offsets");
  await retryTransient('rewinding the consumer groups', () => rewind(clients.admin, n, { group: n.topology, target: { kind: 'earliest' } }), retry);
  return reset;
}
