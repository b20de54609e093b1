import type { Logger } from 'pino';
import { processingProgress } from '../pipeline/topology/processing-progress.js';
import { BenchNamespace } from './bench-namespace.js';
import { CpuMeter, stackPids } from './cpu-meter.js';
import { mergingDocs, segmentsPerShardCopy } from './es-merges.js';
import { figureOf } from './figure.js';
import type { LagSample } from './lag-series.js';
import { LoadgenProcess } from './loadgen-process.js';
import { RssSampler } from './rss-sampler.js';
import { TopologyWorkers } from './topology-workers.js';
import type { WorkerProfileSummary } from './worker-profile.js';

/** The spout whose complete latency is the pipeline's latency for transactions. */
const TRANSACTIONS_SPOUT = 'transactions-spout';
const LAG_INTERVAL_MS = 1_000;

/** One fixed-rate run. */
export interface FixedRateRun {
  achievedRate: number;
  /** Complete latency of the transaction spout's trees over the last minute (median of its tasks' p50, largest p99). */
  completeP50Ms: number | null;
  completeP99Ms: number | null;
  /**
   * The largest p99 of the same trees over any minute of the run (the workers' metrics read every
   * 3 s), the last minute's included: a surge in the middle of a long run shows here, not in
   * `completeP99Ms`.
   */
  worstMinuteP99Ms: number | null;
  /** Kafka lag of the raw topics (records not yet committed), sampled every second. */
  maxLag: number;
  endLag: number;
  /**
   * Every reading of the lag, in time order, from the start of the load generator to the end of its
   * load, each with the documents Elasticsearch was merging then.
   */
  lagSamples: LagSample[];
  /** The most segments a copy of a transactions shard held at the end of the load (`segmentsPerShardCopy`); null when unread. */
  esSegmentsAtEnd: number | null;
  /** Lag at the end of the load below one second of input. */
  sustained: boolean;
  peakRssMb: { 'topology-worker': number | null; loadgen: number | null };
  /** Transactions the load generator published. */
  published: number;
  /** CPU seconds each kind of process used from the start of the load to the end reading. */
  cpuSeconds: Record<string, number>;
  /** Where the workers' CPU went from the start of the load, when a profile was asked for. */
  workerProfile: WorkerProfileSummary | null;
}

/**
 * The pipeline at a fixed rate: `workers` topology workers run on a fresh namespace, then
 * `npm run loadgen` publishes real-shaped transactions at `rate` per second for `seconds` while
 * the Kafka lag is sampled; the complete latency comes from the runtime's metrics at the end.
 * With `profileSeconds`, every worker's CPU is profiled from the start of the load for that long
 * (at most the load's length).
 */
export async function measureFixedRate(options: {
  rate: number;
  seconds: number;
  workers: number;
  log: Logger;
  seed: number;
  profileSeconds?: number;
}): Promise<FixedRateRun> {
  const { log, profileSeconds } = options;
  const ns = await BenchNamespace.create({ purpose: `rate${options.rate}`, log });
  /** The logs of a run that fell behind are kept, to find out why. */
  let keepLogs = false;
  try {
    const workers = new TopologyWorkers(ns, options.workers, log, profileSeconds === undefined ? {} : { WORKER_PROFILER_ENABLED: 'true' });
    workers.start();
    try {
      await workers.joined();
      const load = new LoadgenProcess({ env: ns.env, rate: options.rate, seconds: options.seconds, logFile: ns.logFile('loadgen.log'), seed: options.seed });
      const rss = new RssSampler(() => ({ 'topology-worker': workers.pids(), loadgen: [load.pid] }));
      const stack = stackPids();
      const cpu = new CpuMeter(() => ({ ...stack, 'topology-worker': workers.pids(), loadgen: [load.pid], bench: [process.pid] }));
      cpu.start();
      const loadStarted = performance.now();
      const profiling = profileSeconds === undefined ? null : workers.profile(Math.min(profileSeconds, options.seconds));
      const lagSamples: LagSample[] = [];
      const readLag = async () => {
        const [{ lag }, esMergingDocs] = await Promise.all([
          processingProgress(ns.admin, ns.redis, ns.names),
          mergingDocs(ns.es).catch(() => null), // the lag still counts without it
        ]);
        lagSamples.push({ atSeconds: (performance.now() - loadStarted) / 1000, lag, esMergingDocs });
        return lag;
      };
      let sampling = true;
      let reading: Promise<unknown> = Promise.resolve();
      const lagLoop = (async () => {
        while (sampling) {
          // A reading that failed (a broker busy with the load) is left out, never counted as no lag.
          reading = readLag().catch((err: unknown) => log.warn({ err }, 'lag reading failed'));
          await reading;
          await new Promise((resolve) => setTimeout(resolve, LAG_INTERVAL_MS));
        }
      })();
      try {
        const stats = await load.done;
        sampling = false;
        // A reading under way ends first and the loop starts no other, so the end reading is the last.
        await reading;
        const endLag = await readLag();
        const cpuSeconds = cpu.stop();
        const esSegmentsAtEnd = await segmentsPerShardCopy(ns.es, ns.names.indices.transactions).catch(() => null);
        const workerProfile = profiling === null ? null : await profiling;
        const maxLag = Math.max(...lagSamples.map((s) => s.lag));
        const spout = (await workers.metrics()).workers.flatMap((w) => Object.values(w.components[TRANSACTIONS_SPOUT] ?? {}));
        const run: FixedRateRun = {
          achievedRate: stats.achievedPerSecond,
          completeP50Ms: figureOf(spout.map((t) => t.completeLatency.p50))?.median ?? null,
          completeP99Ms: figureOf(spout.map((t) => t.completeLatency.p99))?.max ?? null,
          worstMinuteP99Ms: workers.worstCompleteP99Ms(TRANSACTIONS_SPOUT),
          maxLag,
          endLag,
          lagSamples,
          esSegmentsAtEnd,
          sustained: endLag < options.rate,
          peakRssMb: { 'topology-worker': null, loadgen: null },
          published: stats.published,
          cpuSeconds,
          workerProfile,
        };
        const peaks = rss.stop();
        run.peakRssMb = { 'topology-worker': peaks['topology-worker'] ?? null, loadgen: peaks.loadgen ?? null };
        log.info(
          { namespace: ns.names.namespace, rate: options.rate, ...run, lagSamples: undefined, peakRssMb: undefined, workerProfile: undefined },
          'fixed rate measured',
        );
        keepLogs = !run.sustained;
        if (keepLogs) log.warn({ rate: options.rate, logDir: ns.logDir }, 'run not sustained: the logs of its processes are kept');
        return run;
      } finally {
        sampling = false;
        rss.stop();
        cpu.stop();
        load.kill();
        await lagLoop;
      }
    } finally {
      await workers.stop();
    }
  } finally {
    await ns.delete({ keepLogs });
  }
}
