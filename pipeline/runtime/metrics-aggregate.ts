import { hostname } from 'node:os';
import type { TaskMetricsSnapshot, WorkerMetricsSnapshot } from './metrics.js';
import type { RuntimeConnections } from './runtime-connections.js';
import type { RuntimeOptions } from './runtime-options.js';
import { runtimeKeys } from './keys.js';
import { WorkerRegistry, type WorkerInfo } from './worker-registry.js';

type Summable = 'emitted' | 'transferred' | 'acked' | 'failed' | 'replayed' | 'deadLettered' | 'executed' | 'pending';
const SUMMABLE: readonly Summable[] = ['emitted', 'transferred', 'acked', 'failed', 'replayed', 'deadLettered', 'executed', 'pending'];

/** Counters of one component summed over tasks and workers, with the per-worker totals. */
export interface ComponentTotals {
  totals: Record<Summable, number>;
  /** Executed (bolts) or emitted (spouts) tuples per worker id. */
  byWorker: Record<string, Record<Summable, number>>;
  /** Spout tasks pausing their fetching right now. */
  pausedTasks: number;
  /** Largest capacity of any task. */
  maxCapacity: number;
  /** Largest p99 of complete latency of any spout task, in ms. */
  maxCompleteP99: number | null;
}

/** The whole fleet's numbers. */
export interface ClusterMetrics {
  workers: WorkerMetricsSnapshot[];
  /** Live workers whose metrics could not be read. */
  unreachable: string[];
  components: Record<string, ComponentTotals>;
}

const zero = (): Record<Summable, number> => Object.fromEntries(SUMMABLE.map((k) => [k, 0])) as Record<Summable, number>;

/** Sums worker snapshots per component (pure). */
export function aggregateMetrics(snapshots: readonly WorkerMetricsSnapshot[], unreachable: readonly string[] = []): ClusterMetrics {
  const components: Record<string, ComponentTotals> = {};
  for (const snap of snapshots) {
    for (const [component, tasks] of Object.entries(snap.components)) {
      const c = (components[component] ??= { totals: zero(), byWorker: {}, pausedTasks: 0, maxCapacity: 0, maxCompleteP99: null });
      const w = (c.byWorker[snap.workerId] ??= zero());
      for (const t of Object.values(tasks) as TaskMetricsSnapshot[]) {
        for (const k of SUMMABLE) {
          c.totals[k] += t[k];
          w[k] += t[k];
        }
        if (t.paused) c.pausedTasks += 1;
        c.maxCapacity = Math.max(c.maxCapacity, t.capacity);
        const p99 = t.completeLatency.p99;
        if (p99 !== null) c.maxCompleteP99 = Math.max(c.maxCompleteP99 ?? 0, p99);
      }
    }
  }
  return { workers: [...snapshots], unreachable: [...unreachable], components };
}

/** The URL of `path` on a worker's metrics server (a worker on this host by loopback). */
export function workerEndpoint(worker: WorkerInfo, path: string): string {
  const host = worker.host === hostname() ? '127.0.0.1' : worker.host;
  return `http://${host}:${worker.port}${path}`;
}

/** Fetches `/metrics.json` of every live worker (unreachable ones are skipped) and sums them. */
export async function fetchClusterMetrics(workers: readonly WorkerInfo[], timeoutMs = 5_000): Promise<ClusterMetrics> {
  const snapshots = await Promise.all(
    workers.map(async (w) => {
      try {
        const res = await fetch(workerEndpoint(w, '/metrics.json'), { signal: AbortSignal.timeout(timeoutMs) });
        return res.ok ? ((await res.json()) as WorkerMetricsSnapshot) : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return aggregateMetrics(
    snapshots.filter((s): s is WorkerMetricsSnapshot => s !== undefined),
    workers.filter((_, i) => snapshots[i] === undefined).map((w) => w.workerId),
  );
}

/** The live workers of `topology`, from its worker registry in Redis (on a connection of `reader`'s own, closed after). */
export async function readLiveWorkers(
  connections: Pick<RuntimeConnections, 'redis'>,
  runtime: Pick<RuntimeOptions, 'workerTtlMs'>,
  topology: string,
  reader: string,
): Promise<WorkerInfo[]> {
  const redis = connections.redis(`${topology}:${reader}`);
  try {
    return await new WorkerRegistry(redis, runtimeKeys(topology), reader, runtime.workerTtlMs).liveWorkers();
  } finally {
    redis.disconnect();
  }
}

/** Reads the live workers of `topology` from Redis and sums their metrics. */
export async function readClusterMetrics(
  connections: Pick<RuntimeConnections, 'redis'>,
  runtime: Pick<RuntimeOptions, 'workerTtlMs'>,
  topology: string,
): Promise<ClusterMetrics> {
  return fetchClusterMetrics(await readLiveWorkers(connections, runtime, topology, 'metrics-reader'));
}
