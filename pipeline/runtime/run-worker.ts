import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { AckerUpdate } from './acker-store.js';
import { Batcher } from './batcher.js';
import { BoltExecutor } from './bolt-executor.js';
import { BullmqTransport } from './bullmq-transport.js';
import { systemClock, type Clock } from './clock.js';
import { parseTransferKey, transferKey, type ExecutorEnv } from './executor-env.js';
import { QueueBackpressure } from './queue-backpressure.js';
import { runtimeKeys } from './keys.js';
import { createLogger } from './logger.js';
import { startMetricsServer } from './metrics-server.js';
import { CpuProfiler } from './cpu-profiler.js';
import { RuntimeMetrics } from './metrics.js';
import type { RuntimeConnections } from './runtime-connections.js';
import type { RuntimeOptions } from './runtime-options.js';
import { RedisAcker } from './redis-acker.js';
import { Router } from './router.js';
import { SpoutExecutor } from './spout-executor.js';
import { boltTasks, tasksOwnedBy } from './task-assignment.js';
import type { Topology } from './topology-definition.js';
import { TupleBatchSchema, type WireTuple } from './wire-tuple.js';
import { WorkerRegistry } from './worker-registry.js';

/** Default longest wait for in-flight trees when a worker drains. */
const DEFAULT_DRAIN_TIMEOUT_MS = 20_000;

/** Options of `runWorker`. */
export interface RunWorkerOptions {
  /** The runtime's knobs (`runtimeOptions()` gives the defaults). */
  runtime: RuntimeOptions;
  /** How to reach Redis and BullMQ (the spouts get Kafka through their own options). */
  connections: Pick<RuntimeConnections, 'redis' | 'bullmq'>;
  /** Wall and monotonic time; default the system clock. */
  clock?: Clock;
  /** Unique id of this worker process; default `${hostname}-${pid}-${random}`. */
  workerId?: string;
  log?: Logger;
  /** Install SIGTERM/SIGINT handlers that drain and exit 0; default true. */
  handleSignals?: boolean;
  /**
   * Longest wait for in-flight trees when draining (default 20 s, or the message timeout if
   * shorter). Keep it under the supervisor's kill timeout (pm2's `kill_timeout`, 30 s here): a
   * worker killed while it waits never leaves its consumer groups, which then wait out the session
   * timeout. Trees not complete by then are replayed from their uncommitted offsets.
   */
  drainTimeoutMs?: number;
}

/** A running worker. */
export interface WorkerHandle {
  readonly workerId: string;
  /** Port of `/metrics` and `/metrics.json`. */
  readonly metricsPort: number;
  /** Bolt tasks this worker hosts right now, as `component/task`. */
  ownedTasks(): string[];
  /** Trees in flight over this worker's spout tasks. */
  pending(): number;
  /** Drains (stop fetching, wait for in-flight trees, commit), releases tasks and deregisters. */
  stop(): Promise<void>;
}

interface OwnedTask {
  executor: BoltExecutor;
  worker: Worker;
  /** Batches delivered in process by this worker's own executors, executed one after another. */
  local: Promise<void>;
}

/**
 * Longest a worker's completion loop waits in one blocking pop for its acker reports. It bounds
 * how long a stopping worker waits for that loop; an idle worker asks Redis this often.
 */
const COMPLETION_WAIT_MS = 250;

const sleep = (clock: Clock, ms: number) => new Promise<void>((resolve) => clock.setTimer(ms, resolve));

/**
 * Starts a worker process: its spout tasks (`parallelism` per worker; Kafka spreads partitions)
 * and the bolt tasks it owns. Ownership of bolt tasks is spread evenly over the live
 * workers (`taskOwners`), and a task is consumed only under its Redis lease, so no task ever runs in two workers.
 */
export async function runWorker(topology: Topology, options: RunWorkerOptions): Promise<WorkerHandle> {
  const { runtime, connections } = options;
  const clock = options.clock ?? systemClock;
  const workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const log = (options.log ?? createLogger({ name: 'worker' })).child({ topology: topology.name, workerId });
  const keys = runtimeKeys(topology.name);
  const redis = connections.redis(`${topology.name}:${workerId}`);
  const connection = connections.bullmq(`${topology.name}:${workerId}:bull`);
  const transport = new BullmqTransport(connection, keys);
  const completions = connections.redis(`${topology.name}:${workerId}:completions`);
  const acker = new RedisAcker(redis, keys, Math.max(runtime.messageTimeoutMs * 2, 60_000), { redis: completions, timeoutMs: COMPLETION_WAIT_MS });
  const metrics = new RuntimeMetrics(topology.name, workerId);
  metrics.collectProcessMetrics();
  const registry = new WorkerRegistry(redis, keys, workerId, runtime.workerTtlMs);
  const owned = new Map<string, OwnedTask>();
  /** Tasks of each bolt this worker owns (for local-or-shuffle grouping). */
  const localTasks = new Map<string, number[]>();
  const indexLocalTasks = () => {
    localTasks.clear();
    for (const key of owned.keys()) {
      const { component, task } = parseTransferKey(key);
      localTasks.set(component, [...(localTasks.get(component) ?? []), task]);
    }
  };
  /**
   * Operator chaining: a batch for a task this worker owns is executed in process, one batch after
   * another as its queue's consumer would (no Redis round trip, no serialisation); a task that
   * moved away meanwhile gets the batch through its queue. Acking is unchanged (every tuple is
   * still tracked by the acker), so a worker that dies with batches in memory loses nothing: their
   * trees time out and replay. The tuples so queued bound the worker's memory through
   * `backpressure`: from `maxQueuedTuples` for one bolt, whatever emits to it waits.
   */
  const backpressure = new QueueBackpressure(topology, runtime.maxQueuedTuples);
  const send = (key: string, tuples: WireTuple[]): Promise<void> => {
    const target = parseTransferKey(key);
    const local = owned.get(key);
    if (!local) return transport.send(target, tuples);
    backpressure.hold(target.component, tuples.length);
    const run = local.local.then(() => (owned.get(key) === local ? local.executor.executeBatch(tuples) : transport.send(target, tuples)));
    local.local = run
      .catch((err: unknown) => log.warn({ err, key, size: tuples.length }, 'local tuple batch failed; its trees will time out'))
      .finally(() => backpressure.release(target.component, tuples.length));
    return local.local;
  };
  metrics.watchQueue(backpressure);
  const allTasks = boltTasks(topology);

  const env: ExecutorEnv = {
    topology,
    workerId,
    log,
    clock,
    router: new Router(topology, {
      localTasks: (component) => localTasks.get(component) ?? [],
    }),
    transfer: new Batcher<WireTuple>({
      batchSize: runtime.batchSize,
      lingerMs: runtime.lingerMs,
      clock,
      send,
      // The tuples are lost; their trees time out and replay.
      onError: (err) => log.warn({ err }, 'tuple transfer failed; trees will time out'),
    }),
    acks: new Batcher<AckerUpdate>({
      batchSize: 1000,
      lingerMs: runtime.lingerMs,
      clock,
      send: (_k, updates) => acker.ack(updates),
      onError: (err) => log.warn({ err }, 'acker update failed; trees will time out'),
    }),
    acker,
    metrics,
    messageTimeoutMs: runtime.messageTimeoutMs,
    maxSpoutPending: runtime.maxSpoutPending,
    treeBatchSize: runtime.treeBatchSize,
    backpressure,
  };

  const server = await startMetricsServer(metrics, runtime.metricsPort, log, runtime.profilerEnabled ? { profiler: new CpuProfiler() } : {});
  const info = { host: hostname(), port: server.port, pid: process.pid };

  async function startTask(component: string, task: number): Promise<void> {
    const def = topology.bolts.get(component);
    if (!def) return;
    const executor = new BoltExecutor(env, def, task);
    await executor.start();
    const worker = new Worker(
      keys.taskQueue(component, task),
      async (job) => {
        const batch = TupleBatchSchema.parse(job.data);
        await executor.receive(batch.tuples);
      },
      { connection, prefix: keys.queuePrefix, concurrency: 1, maxStalledCount: 0, autorun: true },
    );
    worker.on('error', (err) => log.warn({ err, component, task }, 'task queue error'));
    worker.on('failed', (job, err) => log.warn({ err, component, task, jobId: job?.id }, 'tuple batch failed; its trees will time out'));
    owned.set(transferKey(component, task), { executor, worker, local: Promise.resolve() });
    indexLocalTasks();
    log.info({ component, task }, 'task acquired');
  }

  async function stopTask(key: string, lost: boolean): Promise<void> {
    const t = owned.get(key);
    if (!t) return;
    owned.delete(key);
    indexLocalTasks();
    const { component, task } = parseTransferKey(key);
    // Lost lease: another worker may already consume the queue, so stop at once.
    await t.worker.close(lost);
    await t.executor.stop();
    if (!lost) await registry.release(component, task).catch((err: unknown) => log.warn({ err }, 'lease release failed'));
    log.info({ component, task, lost }, 'task released');
  }

  /**
   * Tasks being stopped, in the background: a stop waits for the task's current job and queued
   * executions (seconds when its bolt waits on a sink), and the heartbeat must not wait for it.
   * Until the stop completes the task keeps its lease (renewed by the heartbeat), so its next owner
   * starts only once this worker no longer executes it. When the heartbeat itself waited for
   * stops, a worker that stopped several tasks at once missed its own heartbeats and lease
   * renewals: the other worker saw it dead and took every task while it still ran them, and jobs
   * of both were failed as stalled (their trees timed out).
   */
  const stoppingTasks = new Map<string, Promise<void>>();
  const beginStop = (key: string, lost: boolean): void => {
    if (stoppingTasks.has(key)) return;
    const done = stopTask(key, lost)
      .catch((err: unknown) => log.warn({ err, ...parseTransferKey(key) }, 'task stop failed'))
      .finally(() => stoppingTasks.delete(key));
    stoppingTasks.set(key, done);
  };

  let reconciling: Promise<void> = Promise.resolve();
  let draining = false;
  const reconcile = () => {
    reconciling = reconciling.then(async () => {
      try {
        const live = await registry.heartbeat(info);
        if (!live.includes(workerId)) live.push(workerId);
        const desired = new Set(tasksOwnedBy(workerId, live, allTasks).map((t) => transferKey(t.component, t.task)));
        for (const key of [...owned.keys()]) {
          const { component, task } = parseTransferKey(key);
          if (!desired.has(key) && !draining) beginStop(key, false);
          else if (!(await registry.renew(component, task))) beginStop(key, true);
        }
        // A lost lease fails to renew here, which changes nothing: its stop is already under way.
        for (const key of stoppingTasks.keys()) {
          const { component, task } = parseTransferKey(key);
          await registry.renew(component, task);
        }
        if (draining) return;
        for (const key of desired) {
          if (owned.has(key) || stoppingTasks.has(key)) continue;
          const { component, task } = parseTransferKey(key);
          if (await registry.acquire(component, task)) await startTask(component, task);
        }
      } catch (err) {
        log.warn({ err }, 'heartbeat failed');
      }
    });
    return reconciling;
  };

  await reconcile();
  let stopped = false;
  const loops: Promise<void>[] = [];
  loops.push(
    (async () => {
      while (!stopped) {
        await sleep(clock, runtime.heartbeatMs);
        if (!stopped) await reconcile();
      }
    })(),
  );

  const spouts: SpoutExecutor[] = [];
  for (const def of topology.spouts.values()) {
    for (let task = 0; task < def.parallelism; task += 1) {
      const executor = new SpoutExecutor(env, def, task, def.parallelism);
      await executor.open();
      spouts.push(executor);
    }
  }
  let fetching = true;
  for (const spout of spouts) {
    loops.push(
      (async () => {
        while (!stopped) {
          try {
            let emitted = 0;
            if (fetching) emitted = await spout.step();
            else await spout.checkTimeouts();
            if (emitted === 0) await sleep(clock, fetching ? 2 : 50);
          } catch (err) {
            log.error({ err, task: spout.task }, 'spout step failed');
            await sleep(clock, 100);
          }
        }
      })(),
    );
  }
  loops.push(
    (async () => {
      while (!stopped) {
        try {
          // Waits in Redis (a blocking pop) until a report comes, or COMPLETION_WAIT_MS.
          const done = await acker.takeCompletions(workerId, 1000);
          if (done.length === 0) continue;
          for (const spout of spouts) await spout.complete(done);
        } catch (err) {
          log.warn({ err }, 'completion poll failed');
          await sleep(clock, 200);
        }
      }
    })(),
  );
  log.info({ metricsPort: server.port, spoutTasks: spouts.length }, 'worker started');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info({}, 'worker draining');
      fetching = false;
      const deadline = clock.monotonicMs() + (options.drainTimeoutMs ?? Math.min(DEFAULT_DRAIN_TIMEOUT_MS, runtime.messageTimeoutMs));
      while (spouts.some((s) => s.pendingCount > 0) && clock.monotonicMs() < deadline) await sleep(clock, 20);
      draining = true;
      for (const spout of spouts) await spout.close().catch((err: unknown) => log.warn({ err }, 'spout close failed'));
      stopped = true;
      await Promise.allSettled(loops);
      await reconciling;
      await Promise.all([...stoppingTasks.values()]);
      for (const key of [...owned.keys()]) await stopTask(key, false);
      await env.transfer.flush().catch(() => undefined);
      await env.acks.flush().catch(() => undefined);
      await registry.deregister().catch((err: unknown) => log.warn({ err }, 'deregister failed'));
      await transport.close();
      await server.close();
      redis.disconnect();
      completions.disconnect();
      log.info({}, 'worker stopped');
    })());

  if (options.handleSignals ?? true) {
    const onSignal = (signal: string) => {
      log.info({ signal }, 'signal received');
      stop().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'drain failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  }

  return {
    workerId,
    metricsPort: server.port,
    ownedTasks: () =>
      [...owned.keys()].map((k) => {
        const t = parseTransferKey(k);
        return `${t.component}/${t.task}`;
      }),
    pending: () => spouts.reduce((n, s) => n + s.pendingCount, 0),
    stop,
  };
}
