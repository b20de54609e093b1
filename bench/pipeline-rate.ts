import type { Logger } from 'pino';
import { processingProgress } from '../pipeline/topology/processing-progress.js';
import type { ComponentCost } from './bench-results.js';
import { BenchNamespace } from './bench-namespace.js';
import { componentCosts } from './component-costs.js';
import { CpuMeter, stackPids } from './cpu-meter.js';
import { backlogLoad, LoadgenProcess } from './loadgen-process.js';
import { RssSampler } from './rss-sampler.js';
import { TopologyWorkers } from './topology-workers.js';
import type { WorkerProfileSummary } from './worker-profile.js';

/** Options of `measureBacklogRun`. */
export interface BacklogRunOptions {
  records: number;
  workers: number;
  /** Partitions of each raw topic; default the configured 9. */
  partitions?: number;
  log: Logger;
  seed: number;
  /** Keep the namespace and its backlog (for the rebuild); the caller deletes it. */
  keepNamespace: boolean;
  /** Profile every worker's CPU for this long from the start of the drain (`workerProfile`); absent: no profile. */
  profileSeconds?: number;
}

/** One drained backlog. */
export interface BacklogRun {
  records: number;
  /**
   * Records not yet committed when the clock started (the workers' groups stable): what the timed
   * part of the drain processed. A worker that joins first consumes while the other groups still
   * rebalance, so counting every record of the backlog against the timed part overstated the rate
   * (a 100,000-record drain on 36 partitions once read 28,727 tx/s after a 5.8 s start-up).
   */
  timedRecords: number;
  /** `timedRecords` per second, from the workers' groups being stable until everything is processed. */
  rate: number;
  startupSeconds: number;
  publishRate: number;
  peakRssMb: { 'topology-worker': number | null; loadgen: number | null };
  costs: ComponentCost[];
  /**
   * CPU seconds each kind of process used while the workers drained the backlog (from their groups
   * being stable until everything was processed): the stack's, the workers' and this process's.
   */
  cpuSeconds: Record<string, number>;
  /** Where the workers' CPU went in the first `profileSeconds` of the drain, when asked. */
  workerProfile: WorkerProfileSummary | null;
  /** The namespace, when kept. */
  namespace: BenchNamespace | null;
}

/**
 * The pipeline's maximum sustained rate: a backlog of `records` real-shaped transactions is
 * published with `npm run loadgen` into a fresh namespace before any worker runs, then the
 * topology workers start; the clock runs from their consumer groups being stable until every
 * raw topic is committed to its end and no aggregate is dirty (the demo's wait), and the rate
 * counts the records that were not yet committed when it started.
 */
export async function measureBacklogRun(options: BacklogRunOptions): Promise<BacklogRun> {
  const { log } = options;
  const ns = await BenchNamespace.create({ purpose: 'backlog', log, ...(options.partitions === undefined ? {} : { partitions: options.partitions }) });
  let keep = false;
  try {
    const load = new LoadgenProcess({ env: ns.env, ...backlogLoad(options.records), logFile: ns.logFile('loadgen.log'), seed: options.seed });
    const loadRss = new RssSampler(() => ({ loadgen: [load.pid] }), 500);
    let loadgenPeak: number | null = null;
    const published = await load.done.finally(() => {
      loadgenPeak = loadRss.stop().loadgen ?? null;
    });
    log.info({ namespace: ns.names.namespace, published: published.published, perSecond: Math.round(published.achievedPerSecond) }, 'backlog published');

    const profileSeconds = options.profileSeconds;
    const workers = new TopologyWorkers(ns, options.workers, log, profileSeconds === undefined ? {} : { WORKER_PROFILER_ENABLED: 'true' });
    const rss = new RssSampler(() => ({ 'topology-worker': workers.pids() }));
    // Found before the clock starts: finding them runs `ss` once per node.
    const stack = stackPids();
    const spawnedAt = performance.now();
    let cpu: CpuMeter | undefined;
    workers.start();
    try {
      await workers.joined();
      const joinedAt = performance.now();
      cpu = new CpuMeter(() => ({ ...stack, 'topology-worker': workers.pids(), bench: [process.pid] }));
      cpu.start();
      // Read after the clock started: what is committed while this reads counts as time, not as records.
      const timedRecords = (await processingProgress(ns.admin, ns.redis, ns.names)).lag;
      const profiling = profileSeconds === undefined ? null : workers.profile(profileSeconds);
      // Generous: on this shared 2-core machine a 20,000-record backlog has taken over 8 minutes.
      const deadlineMs = Math.max(1_200_000, (options.records / 20) * 1000);
      const final = await workers.processed(deadlineMs);
      const seconds = (performance.now() - joinedAt) / 1000;
      const cpuSeconds = cpu.stop();
      const busiest = workers.busiestMetrics();
      // A profile longer than the drain ends with idle samples, which the summary leaves out.
      const workerProfile = profiling === null ? null : await profiling;
      const result: BacklogRun = {
        records: final.records,
        timedRecords,
        rate: timedRecords / seconds,
        startupSeconds: (joinedAt - spawnedAt) / 1000,
        publishRate: published.achievedPerSecond,
        peakRssMb: { 'topology-worker': null, loadgen: loadgenPeak },
        costs: busiest === null ? [] : componentCosts(busiest),
        cpuSeconds,
        workerProfile,
        namespace: options.keepNamespace ? ns : null,
      };
      log.info(
        { namespace: ns.names.namespace, records: result.records, timedRecords, seconds: Math.round(seconds), perSecond: Math.round(result.rate), cpuSeconds },
        'backlog drained',
      );
      result.peakRssMb['topology-worker'] = rss.stop()['topology-worker'] ?? null;
      keep = options.keepNamespace;
      return result;
    } finally {
      rss.stop();
      cpu?.stop();
      await workers.stop();
    }
  } finally {
    if (!keep) await ns.delete();
  }
}
