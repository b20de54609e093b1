import type { Redis } from 'ioredis';
import type { ClusterMetrics, LatencySnapshot, RuntimeKeys, TaskMetricsSnapshot, Topology } from '../pipeline/runtime/index.js';

/**
 * The topology as Storm UI shows it: every component with its numbers summed over its tasks
 * (emitted, transferred, acked, failed, replayed, dead-lettered, capacity, latencies), each task
 * with the worker that runs it, and the edges of the DAG with their stream and grouping.
 */

/** A latency over the tasks of a component: p50 weighted by the tasks' counts, and the largest p99. */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p99: number | null;
}

/** One task of a component. */
export interface TaskView {
  task: number;
  /** Worker running it (bolts: the lease holder; spouts: the worker reporting it), or null. */
  worker: string | null;
  emitted: number;
  acked: number;
  failed: number;
  capacity: number;
}

/** The last error seen for a component, with where it was read. */
export interface ComponentError {
  time: string;
  name: string;
  message: string;
  source: string;
}

/** The counters of a component, summed over its tasks (capacity: its busiest task's). */
type ComponentCounters = Pick<
  TaskMetricsSnapshot,
  'emitted' | 'transferred' | 'acked' | 'failed' | 'replayed' | 'deadLettered' | 'executed' | 'pending' | 'capacity'
>;

/** One node of the DAG. */
export interface ComponentView extends ComponentCounters {
  id: string;
  kind: 'spout' | 'bolt';
  /** Tasks per worker (spouts) or in the whole topology (bolts). */
  parallelism: number;
  executeLatency: LatencySummary;
  processLatency: LatencySummary;
  completeLatency: LatencySummary;
  tasks: TaskView[];
  lastError: ComponentError | null;
}

/** One edge: `source` emits `stream` to `target`, spread by `grouping`. */
export interface EdgeView {
  source: string;
  target: string;
  stream: string;
  grouping: string;
}

/** A live worker as the registry holds it. */
export interface WorkerView {
  workerId: string;
  host: string;
  pid: number;
  metricsPort: number;
  /** Whether its metrics endpoint answered. */
  reachable: boolean;
}

/** The whole view. */
export interface TopologyView {
  name: string;
  components: ComponentView[];
  edges: EdgeView[];
  workers: WorkerView[];
}

function summarize(latencies: readonly LatencySnapshot[]): LatencySummary {
  let count = 0;
  let weighted = 0;
  let p99: number | null = null;
  for (const l of latencies) {
    if (l.p50 !== null && l.count > 0) {
      count += l.count;
      weighted += l.p50 * l.count;
    }
    if (l.p99 !== null) p99 = Math.max(p99 ?? 0, l.p99);
  }
  return { count, p50: count > 0 ? weighted / count : null, p99 };
}

/** Every live worker of the registry (id, host, pid, metrics port), newest expiry first. */
export async function liveWorkers(redis: Redis, keys: RuntimeKeys, reachable: ReadonlySet<string>): Promise<WorkerView[]> {
  const ids = await redis.zrangebyscore(keys.workers, Date.now(), '+inf');
  const out: WorkerView[] = [];
  for (const id of ids) {
    const h = await redis.hgetall(keys.worker(id));
    if (h.port) out.push({ workerId: id, host: h.host ?? '', pid: Number(h.pid), metricsPort: Number(h.port), reachable: reachable.has(id) });
  }
  return out;
}

/** Lease holder of every bolt task (`component/task` -> worker id). */
export async function boltTaskOwners(redis: Redis, keys: RuntimeKeys, topology: Topology): Promise<Map<string, string>> {
  const tasks = [...topology.bolts.values()].flatMap((b) => Array.from({ length: b.parallelism }, (_, task) => ({ component: b.id, task })));
  const owners = tasks.length === 0 ? [] : await redis.mget(tasks.map((t) => keys.lease(t.component, t.task)));
  const out = new Map<string, string>();
  tasks.forEach((t, i) => {
    const owner = owners[i];
    if (owner) out.set(`${t.component}/${t.task}`, owner);
  });
  return out;
}

/** Builds the view from the topology's definition, the workers' metrics and the task owners. */
export function topologyView(input: {
  topology: Topology;
  metrics: ClusterMetrics;
  workers: WorkerView[];
  boltOwners: ReadonlyMap<string, string>;
  lastErrors: ReadonlyMap<string, ComponentError>;
}): TopologyView {
  const { topology, metrics } = input;
  const definitions = [
    ...[...topology.spouts.values()].map((s) => ({ id: s.id, kind: 'spout' as const, parallelism: s.parallelism })),
    ...topology.boltOrder.map((id) => {
      const b = topology.bolts.get(id);
      return { id, kind: 'bolt' as const, parallelism: b?.parallelism ?? 0 };
    }),
  ];
  const components = definitions.map((d): ComponentView => {
    const reported: { worker: string; task: number; m: TaskMetricsSnapshot }[] = [];
    for (const snap of metrics.workers) {
      for (const [task, m] of Object.entries(snap.components[d.id] ?? {})) reported.push({ worker: snap.workerId, task: Number(task), m });
    }
    const totals = metrics.components[d.id]?.totals;
    const tasks: TaskView[] =
      d.kind === 'bolt'
        ? Array.from({ length: d.parallelism }, (_, task) => {
            const worker = input.boltOwners.get(`${d.id}/${task}`) ?? null;
            const m = reported.find((r) => r.task === task && r.worker === worker)?.m;
            return { task, worker, emitted: m?.emitted ?? 0, acked: m?.acked ?? 0, failed: m?.failed ?? 0, capacity: m?.capacity ?? 0 };
          })
        : reported.map((r) => ({ task: r.task, worker: r.worker, emitted: r.m.emitted, acked: r.m.acked, failed: r.m.failed, capacity: r.m.capacity }));
    return {
      id: d.id,
      kind: d.kind,
      parallelism: d.parallelism,
      emitted: totals?.emitted ?? 0,
      transferred: totals?.transferred ?? 0,
      acked: totals?.acked ?? 0,
      failed: totals?.failed ?? 0,
      replayed: totals?.replayed ?? 0,
      deadLettered: totals?.deadLettered ?? 0,
      executed: totals?.executed ?? 0,
      pending: totals?.pending ?? 0,
      capacity: metrics.components[d.id]?.maxCapacity ?? 0,
      executeLatency: summarize(reported.map((r) => r.m.executeLatency)),
      processLatency: summarize(reported.map((r) => r.m.processLatency)),
      completeLatency: summarize(reported.map((r) => r.m.completeLatency)),
      tasks,
      lastError: input.lastErrors.get(d.id) ?? null,
    };
  });
  const edges = topology.boltOrder.flatMap((id) =>
    (topology.bolts.get(id)?.subscriptions ?? []).map((s) => ({
      source: s.source,
      target: id,
      stream: s.stream,
      grouping: s.grouping.kind === 'fields' ? `fields(${s.grouping.fields.join(',')})` : s.grouping.kind,
    })),
  );
  return { name: topology.name, components, edges, workers: input.workers };
}
