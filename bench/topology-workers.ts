import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { runtimeConnections } from '../pipeline/clients/runtime-connections.js';
import { type ClusterMetrics, readClusterMetrics, readWorkerCpuProfiles, type WorkerCpuProfiles } from '../pipeline/runtime/index.js';
import type { ProcessingProgressByTopic } from '../pipeline/topology/processing-progress.js';
import { topologyNames } from '../pipeline/topology/topology-names.js';
import { waitUntilProcessed } from '../ops/demo/demo-waits.js';
import { describeGroupActivity } from '../ops/consumer-groups.js';
import { WorkerProcesses } from '../ops/worker-processes.js';
import { WORKER_BUNDLE } from '../ops/worker-bundle.js';
import { waitUntil } from '../stack/wait-until.js';
import type { BenchNamespace } from './bench-namespace.js';
import { bundleModules, summarizeCpuProfiles, type WorkerProfileSummary } from './worker-profile.js';

/** How often the metrics of the workers are read while they run. */
const METRICS_INTERVAL_MS = 3_000;
const JOIN_TIMEOUT_MS = 180_000;

/**
 * `count` topology workers (cli/worker.ts, as `npm run rebuild` runs them) on a bench namespace,
 * with what the suite reads from them: when their consumer groups are stable, when every record
 * is processed (the demo's wait), and their metrics at the busiest moment of the run.
 */
export class TopologyWorkers {
  private readonly processes: WorkerProcesses;
  private metricsTimer: NodeJS.Timeout | undefined;
  private busiest: { load: number; metrics: ClusterMetrics } | null = null;
  /** The largest complete-latency p99 (ms) of each component's tasks over the readings so far. */
  private readonly worstP99 = new Map<string, number>();

  constructor(
    private readonly ns: BenchNamespace,
    readonly count: number,
    private readonly log: Logger,
    /** Set for these workers on top of the namespace's environment. */
    extraEnv: NodeJS.ProcessEnv = {},
  ) {
    this.processes = new WorkerProcesses({
      env: { ...ns.env, ...extraEnv },
      count,
      logDir: ns.logDir,
      maxRestarts: 0,
      onExit: ({ index, code, signal }) => log.error({ index, code, signal, logDir: ns.logDir }, 'topology worker exited'),
    });
  }

  /** Starts the workers and the metrics sampling. */
  start(): void {
    this.processes.start();
    this.metricsTimer = setInterval(() => void this.sampleMetrics(), METRICS_INTERVAL_MS);
  }

  /** Pids of the running workers. */
  pids(): number[] {
    return this.processes.pids();
  }

  /** Waits until every consumer group of the topology is stable with members (the workers consume). */
  async joined(): Promise<void> {
    const groupIds = Object.values(topologyNames(this.ns.names).consumerGroups);
    await waitUntil(
      async () => {
        this.assertAlive();
        const groups = await describeGroupActivity(this.ns.admin, groupIds);
        return groups.length === groupIds.length && groups.every((g) => g.state === 'Stable' && g.members.length > 0);
      },
      {
        what: 'topology workers joined their consumer groups',
        timeoutMs: JOIN_TIMEOUT_MS,
        intervalMs: 250,
        retryIf: (err) => err !== this.processes.failure(),
      },
    );
  }

  /** Waits until every raw record is committed and no aggregate is dirty (the demo's wait). */
  async processed(timeoutMs: number): Promise<ProcessingProgressByTopic> {
    const quiet = this.log.child({ component: 'wait' }, { level: 'warn' });
    const wait = waitUntilProcessed({
      admin: this.ns.admin,
      redis: this.ns.redis,
      names: this.ns.names,
      log: quiet,
      deadlineMs: Date.now() + timeoutMs,
      intervalMs: 500,
    });
    // A crashed worker would make the wait run to its deadline: fail at once instead.
    const crash = new Promise<never>((_, reject) => {
      const timer = setInterval(() => {
        const failure = this.processes.failure();
        if (failure !== null) reject(failure);
      }, 1_000);
      void wait.finally(() => clearInterval(timer)).catch(() => undefined);
    });
    return Promise.race([wait, crash]);
  }

  /** The cluster's metrics now (every reading also counts for `worstCompleteP99Ms`). */
  async metrics(): Promise<ClusterMetrics> {
    const metrics = await readClusterMetrics(runtimeConnections(this.ns.config), this.ns.config.runtime, this.ns.names.topology);
    for (const [component, totals] of Object.entries(metrics.components)) {
      const p99 = totals.maxCompleteP99;
      if (p99 !== null && p99 > (this.worstP99.get(component) ?? Number.NEGATIVE_INFINITY)) this.worstP99.set(component, p99);
    }
    return metrics;
  }

  /** CPU profiles of every worker over the next `seconds` (they must run with `WORKER_PROFILER_ENABLED`). */
  async cpuProfiles(seconds: number): Promise<WorkerCpuProfiles> {
    return readWorkerCpuProfiles(runtimeConnections(this.ns.config), this.ns.config.runtime, this.ns.names.topology, seconds);
  }

  /**
   * Where the workers' CPU went over the next `seconds` (`cpuProfiles`, summed by package,
   * directory and function); null, with a warning, when no worker answered or the profiles could
   * not be read. It never rejects: a profile is an extra of a run, whose figures stand without it.
   */
  async profile(seconds: number): Promise<WorkerProfileSummary | null> {
    try {
      return await this.summarizedProfile(seconds);
    } catch (err) {
      this.log.warn({ err }, 'worker CPU profiles not taken');
      return null;
    }
  }

  private async summarizedProfile(seconds: number): Promise<WorkerProfileSummary | null> {
    const { profiles, failed } = await this.cpuProfiles(seconds);
    if (failed.length > 0) this.log.warn({ failed }, 'worker CPU profiles not taken');
    if (profiles.length === 0) return null;
    return summarizeCpuProfiles(
      profiles.map((p) => p.profile),
      seconds,
      WORKER_BUNDLE,
      bundleModules(readFileSync(WORKER_BUNDLE, 'utf8')),
    );
  }

  /** The metrics read while the workers were busiest (highest summed capacity), if any were read. */
  busiestMetrics(): ClusterMetrics | null {
    return this.busiest?.metrics ?? null;
  }

  /**
   * The largest p99 of `component`'s complete latency seen in any reading of the workers' metrics
   * (every 3 s, and each `metrics()` call; each p99 covers the last minute), so the worst minute of
   * a run; null if none had one.
   */
  worstCompleteP99Ms(component: string): number | null {
    return this.worstP99.get(component) ?? null;
  }

  /** Stops the metrics sampling and the workers (each drains and commits; SIGKILL after 30 s). */
  async stop(): Promise<void> {
    clearInterval(this.metricsTimer);
    await this.processes.stop();
  }

  private assertAlive(): void {
    const failure = this.processes.failure();
    if (failure !== null) throw failure;
  }

  private async sampleMetrics(): Promise<void> {
    try {
      const metrics = await this.metrics();
      const load = Object.values(metrics.components).reduce((sum, c) => sum + c.maxCapacity, 0);
      if (this.busiest === null || load >= this.busiest.load) this.busiest = { load, metrics };
    } catch (err) {
      this.log.debug({ err }, 'worker metrics not readable');
    }
  }
}
