import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import type { Redis } from 'ioredis';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { createKafka } from '../../pipeline/clients/kafka.js';
import { isTransientError } from '../../pipeline/clients/transient-error.js';
import { createRedis } from '../../pipeline/clients/redis.js';
import { type Config, loadConfig } from '../../pipeline/config/config.js';
import { type Names, names } from '../../pipeline/contracts/names.js';
import { systemClock } from '../../pipeline/runtime/index.js';
import { createLogger } from '../../pipeline/runtime/index.js';
import { runSetup, teardown } from '../../pipeline/setup/index.js';
import { processingProgress, type ProcessingProgress } from '../../pipeline/topology/processing-progress.js';
import { EventPublisher } from '../../producers/event-publisher.js';
import { KafkaRecordSink } from '../../producers/kafka-record-sink.js';
import { ProducerMetrics } from '../../producers/producer-metrics.js';
import { replay, type ReplayStats } from '../../producers/replay.js';
import { deleteKeys } from '../../pipeline/clients/delete-keys.js';
import { bundleWorker } from '../../ops/worker-bundle.js';
import { spawnTopologyWorker, stopChild } from '../../ops/worker-processes.js';

/** Options of `runPipelineOnData`. */
export interface RunPipelineOptions {
  /** Directory in the layout of `../shared/data`. */
  dataDir: string;
  /** Fresh namespace of the run (topics, indices, Redis keys). */
  namespace: string;
  /** Worker processes (default 2). */
  workers?: number;
  /** Time allowed until every event is processed (default 600 s). */
  timeoutMs?: number;
  /** Environment of the workers on top of the test's (e.g. `ES_NODES` through a proxy). */
  workerEnv?: Record<string, string>;
  /** Publishes the events instead of replaying `dataDir` (which still gives the pools list). */
  publish?: (publisher: EventPublisher) => Promise<ReplayStats>;
  /** Called once the events are published, before waiting (e.g. to kill a worker mid-stream). */
  afterPublish?: (run: PipelineRun) => Promise<void> | void;
}

/** A pipeline running on a data directory in its own namespace. */
export interface PipelineRun {
  namespace: string;
  names: Names;
  config: Config;
  replay: ReplayStats;
  /** Worker child processes (`cli/worker.ts`). */
  workers: ChildProcess[];
  /** Starts one more worker process. */
  startWorker(): ChildProcess;
  /** Waits until every record is committed and every aggregate written. */
  waitUntilProcessed(timeoutMs?: number): Promise<ProcessingProgress>;
  /** Wall time from the start of publishing to "processed", in ms (set by `runPipelineOnData`). */
  processedAfterMs: number;
  /** Stops the workers and deletes the namespace's topics, indices and Redis keys. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Runs the whole pipeline on `dataDir` in a fresh namespace: sets up its topics and indices,
 * starts worker processes, publishes the data with the producers' replay code, and resolves
 * once every event is processed. Shared by the topology's e2e test and the dashboards' test.
 */
export async function runPipelineOnData(options: RunPipelineOptions): Promise<PipelineRun> {
  const env = {
    ...process.env,
    NAMESPACE: options.namespace,
    POOLS_FILE: join(options.dataDir, 'pools', 'pools-v2.json'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const config = loadConfig(env);
  const n = names(options.namespace);
  const log = createLogger({ name: 'run-pipeline', level: env.LOG_LEVEL });
  await runSetup(config, { namespace: options.namespace });
  const logDir = join('.run', 'e2e', options.namespace);
  mkdirSync(logDir, { recursive: true });

  const workers: ChildProcess[] = [];
  const workerEnv = { ...env, ...options.workerEnv };
  bundleWorker();
  const startWorker = (): ChildProcess => {
    const child = spawnTopologyWorker(workerEnv, join(logDir, `worker-${workers.length}.log`));
    workers.push(child);
    return child;
  };
  for (let i = 0; i < (options.workers ?? 2); i += 1) startWorker();

  const admin = createKafka(config, { clientIdSuffix: 'e2e-progress' }).admin();
  await admin.connect();
  const redis = createRedis(config);

  const started = Date.now();
  const sink = new KafkaRecordSink(createKafka(config, { clientIdSuffix: 'e2e-replay' }));
  let stats: ReplayStats;
  try {
    const publisher = new EventPublisher({ sink, names: n, component: 'replay', clock: systemClock, log, metrics: new ProducerMetrics() });
    stats =
      options.publish === undefined ? await replay({ dir: options.dataDir, publisher, clock: systemClock, log, rate: null }) : await options.publish(publisher);
  } catch (err) {
    await Promise.all(workers.map((w) => stopChild(w)));
    throw err;
  } finally {
    await sink.close();
  }

  const run: PipelineRun = {
    namespace: options.namespace,
    names: n,
    config,
    replay: stats,
    workers,
    startWorker,
    processedAfterMs: 0,
    waitUntilProcessed: (timeoutMs = options.timeoutMs ?? 600_000) =>
      waitUntilProcessed(admin, redis, n, timeoutMs).catch((err: unknown) => {
        // A worker that died (out of memory, say) stalls its partitions: say so, its log is in `logDir`.
        throw new Error(`${err instanceof Error ? err.message : String(err)}; workers ${JSON.stringify(workerExits(workers))}; logs in ${logDir}`, {
          cause: err,
        });
      }),
    async stop(stopOptions = {}) {
      await Promise.all(workers.map((w) => stopChild(w)));
      if (!stopOptions.keepData) {
        const es = createElasticsearch(config);
        try {
          await teardown(admin, es, n);
          await deleteKeys(redis, [`${n.redisPrefix}*`, `rt:${n.topology}*`]);
        } finally {
          await es.close();
        }
      }
      await admin.disconnect();
      redis.disconnect();
    },
  };
  try {
    await options.afterPublish?.(run);
    await run.waitUntilProcessed();
  } catch (err) {
    await run.stop({ keepData: true });
    throw err;
  }
  run.processedAfterMs = Date.now() - started;
  return run;
}

/** How each worker process ended: `running`, its exit code, or the signal that killed it. */
export function workerExits(workers: readonly ChildProcess[]): (string | number)[] {
  return workers.map((w) => w.signalCode ?? w.exitCode ?? 'running');
}

/** Polls the topology's progress until it is done; throws with the last progress on timeout. */
export async function waitUntilProcessed(admin: Admin, redis: Redis, n: Names, timeoutMs: number): Promise<ProcessingProgress> {
  const deadline = Date.now() + timeoutMs;
  let last: ProcessingProgress | undefined;
  let doneTwice = 0;
  for (;;) {
    try {
      last = await processingProgress(admin, redis, n);
    } catch (err) {
      // Other tests may kill a broker: a moved group coordinator or leader is retriable.
      if (!isTransientError(err)) throw err;
      last = { lag: -1, records: 0, dirtyAggregates: -1, done: false };
    }
    // Twice in a row: a tick may be between claiming an aggregate and writing it.
    doneTwice = last.done && last.records > 0 ? doneTwice + 1 : 0;
    if (doneTwice >= 2) return last;
    if (Date.now() > deadline) throw new Error(`pipeline not done after ${timeoutMs} ms: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
