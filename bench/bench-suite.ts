import type { Logger } from 'pino';
import { loadConfig } from '../pipeline/config/config.js';
import { PipelineError } from '../pipeline/runtime/index.js';
import type { BenchNamespace } from './bench-namespace.js';
import { type BenchOptions, SECTIONS, WARMUP_RATE } from './bench-options.js';
import type { BenchResults, MaxRateResult, MemoryPeak, WarmUpResult } from './bench-results.js';
import { cpuUse } from './cpu-use.js';
import { figureOf, figureOfField, repeatRuns } from './figure.js';
import { measureFixedRate } from './fixed-rate.js';
import { JitMeter } from './jit-meter.js';
import { lagOverTime, loadSeconds, mergingShare } from './lag-series.js';
import { codeChangedBetween, machineSnapshot } from './machine-info.js';
import { measurePartLimits } from './part-limits.js';
import { type BacklogRun, measureBacklogRun } from './pipeline-rate.js';
import { measureRebuild } from './rebuild-rate.js';
import { measureReferenceConsumer } from './reference-consumer.js';

/** What a run of the suite gives: the results, and the sections that failed (the run did not complete). */
export interface BenchOutcome {
  results: BenchResults;
  failed: string[];
}

/**
 * How long each worker's CPU is profiled in the first max-rate run, from the start of the drain:
 * 500,000 records take 35-90 s to drain on the 2-core machine, 20,000 (`--quick`) 3-10 s.
 */
const PROFILE_SECONDS = 20;
const QUICK_PROFILE_SECONDS = 5;

const memoryRows = (section: string, peaks: readonly Record<string, number | null>[]): MemoryPeak[] => {
  const labels = [...new Set(peaks.flatMap((p) => Object.keys(p)))].sort();
  return labels.map((process) => ({ section, process, peakRssMb: figureOf(peaks.map((p) => p[process] ?? null)) }));
};

const backlogResult = (runs: readonly BacklogRun[], workers: number, partitions: number): MaxRateResult => ({
  records: runs[0]?.records ?? 0,
  workers,
  partitions,
  rate: figureOfField(runs, (r) => r.rate),
  startupSeconds: figureOfField(runs, (r) => r.startupSeconds),
  publishRate: figureOfField(runs, (r) => r.publishRate),
});

/**
 * Runs the chosen sections one after the other on the running stack, each figure over
 * `options.runs` runs, every run in a fresh namespace that is deleted afterwards. A section that
 * throws is reported in `failed` and in the notes; the others still run.
 */
export async function runBenchSuite(options: BenchOptions, log: Logger): Promise<BenchOutcome> {
  const started = performance.now();
  const before = machineSnapshot();
  const results: BenchResults = {
    machine: {
      date: new Date().toISOString(),
      commit: before.commit,
      cores: before.cores,
      cpuModel: before.cpuModel,
      memoryGb: before.memoryGb,
      loadAverageAtStart: before.loadAverage,
      loadAverageAtEnd: [],
      node: process.version,
      quick: options.quick,
      runsPerFigure: options.runs,
      wallSeconds: 0,
    },
    warmUp: null,
    compilerShareMeasured: null,
    parts: [],
    esBulkSizes: [],
    maxRate: null,
    slowestPart: null,
    reference: null,
    fixedRates: [],
    scaling: [],
    rebuild: null,
    memory: [],
    whereTimeGoes: [],
    workerProfile: null,
    cpuByProcess: [],
    notes: [],
  };
  const failed: string[] = [];
  const has = (s: (typeof options.sections)[number]) => options.sections.includes(s);
  const section = async (name: string, body: () => Promise<void>) => {
    log.info({ section: name }, 'section started');
    try {
      await body();
    } catch (err) {
      log.error({ err, section: name }, 'section failed');
      failed.push(name);
      results.notes.push(`${name}: did not complete (${err instanceof Error ? err.message : String(err)})`);
    }
  };
  const { runs, workers } = options;
  const partitions = loadConfig().kafka.partitions;

  if (options.warmupSeconds > 0) {
    await section('warm-up', async () => {
      results.warmUp = await warmUp(options.warmupSeconds, workers, log);
    });
  }
  const jit = new JitMeter();
  jit.start();

  if (has('kafka') || has('elasticsearch') || has('redis')) {
    await section('parts', async () => {
      const limits = await measurePartLimits({ ...options, log });
      results.parts = limits.parts;
      results.esBulkSizes = limits.esBulkSizes;
    });
  }

  let backlogNamespace: BenchNamespace | null = null;
  try {
    if (has('max-rate') || has('rebuild')) {
      await section('max-rate', async () => {
        const backlogRuns = await repeatRuns(has('max-rate') ? runs : 1, (run) =>
          measureBacklogRun({
            records: options.backlog,
            workers,
            log,
            seed: 10 + run,
            keepNamespace: has('rebuild') && run === (has('max-rate') ? runs : 1) - 1,
            ...(run === 0 && has('max-rate') ? { profileSeconds: options.quick ? QUICK_PROFILE_SECONDS : PROFILE_SECONDS } : {}),
          }),
        );
        backlogNamespace = backlogRuns.at(-1)?.namespace ?? null;
        if (!has('max-rate')) return;
        results.maxRate = backlogResult(backlogRuns, workers, partitions);
        results.memory.push(
          ...memoryRows(
            'max-rate',
            backlogRuns.map((r) => r.peakRssMb),
          ),
        );
        // The costs of the run whose rate is the median.
        const median = results.maxRate.rate?.median;
        const typical = [...backlogRuns].sort((a, b) => Math.abs(a.rate - (median ?? 0)) - Math.abs(b.rate - (median ?? 0)))[0];
        results.whereTimeGoes = typical?.costs ?? [];
        results.cpuByProcess = cpuUse(backlogRuns.map((r) => ({ records: r.timedRecords, rate: r.rate, cpuSeconds: r.cpuSeconds })));
        results.workerProfile = backlogRuns[0]?.workerProfile ?? null;
      });
    }
    if (has('rebuild')) {
      await section('rebuild', async () => {
        const ns = backlogNamespace;
        if (ns === null) throw new PipelineError('no backlog to rebuild (the max-rate section failed)');
        const rebuilds = await repeatRuns(runs, () => measureRebuild(ns, workers, log));
        results.rebuild = { records: rebuilds[0]?.records ?? 0, workers, rate: figureOfField(rebuilds, (r) => r.rate) };
        results.memory.push(
          ...memoryRows(
            'rebuild',
            rebuilds.map((r) => ({ 'topology-worker': r.peakWorkerRssMb })),
          ),
        );
      });
    }
  } finally {
    await (backlogNamespace as BenchNamespace | null)?.delete();
  }

  if (has('reference')) {
    await section('reference', async () => {
      const drained = await repeatRuns(runs, (run) => measureReferenceConsumer({ records: options.backlog, log, seed: 300 + run }));
      results.reference = { records: drained[0]?.records ?? 0, rate: figureOfField(drained, (r) => r.rate), cpuByProcess: cpuUse(drained) };
    });
  }

  if (has('fixed-rate')) {
    for (const { multiplier, rate, seconds } of options.fixedRates) {
      await section(`fixed-rate x${multiplier}`, async () => {
        const fixed = await repeatRuns(runs, (run) =>
          measureFixedRate({
            rate,
            seconds,
            workers,
            log,
            seed: 100 + run,
            ...(run === 0 && options.profileFixedSeconds !== null ? { profileSeconds: options.profileFixedSeconds } : {}),
          }),
        );
        results.fixedRates.push({
          multiplier,
          targetRate: rate,
          seconds,
          achievedRate: figureOfField(fixed, (r) => r.achievedRate),
          completeP50Ms: figureOfField(fixed, (r) => r.completeP50Ms),
          completeP99Ms: figureOfField(fixed, (r) => r.completeP99Ms),
          worstMinuteP99Ms: figureOfField(fixed, (r) => r.worstMinuteP99Ms),
          maxLag: figureOfField(fixed, (r) => r.maxLag),
          endLag: figureOfField(fixed, (r) => r.endLag),
          loadSeconds: loadSeconds(fixed.map((r) => r.lagSamples)),
          lagOverTime: lagOverTime(fixed.map((r) => r.lagSamples)),
          mergingShare: mergingShare(fixed.map((r) => r.lagSamples)),
          segmentsAtEnd: figureOfField(fixed, (r) => r.esSegmentsAtEnd),
          lagSamples: fixed.map((r) => r.lagSamples),
          sustainedRuns: fixed.filter((r) => r.sustained).length,
          runs: fixed.length,
          cpuByProcess: cpuUse(fixed.map((r) => ({ records: r.published, rate: r.achievedRate, cpuSeconds: r.cpuSeconds }))),
          workerProfile: fixed[0]?.workerProfile ?? null,
        });
        results.memory.push(
          ...memoryRows(
            `fixed-rate x${multiplier}`,
            fixed.map((r) => r.peakRssMb),
          ),
        );
      });
    }
  }

  if (has('scaling')) {
    for (const point of options.scaling) {
      await section(`scaling ${point.workers} workers, ${point.partitions} partitions`, async () => {
        const scaled = await repeatRuns(runs, (run) =>
          measureBacklogRun({
            records: options.scalingBacklog,
            workers: point.workers,
            partitions: point.partitions,
            log,
            seed: 200 + run,
            keepNamespace: false,
          }),
        );
        results.scaling.push(backlogResult(scaled, point.workers, point.partitions));
      });
    }
  }

  const slowest = [...results.parts].filter((p) => p.rate !== null).sort((a, b) => (a.rate?.median ?? 0) - (b.rate?.median ?? 0))[0];
  if (slowest?.rate) {
    const pipeline = results.maxRate?.rate?.median;
    results.slowestPart = { part: slowest.part, rate: slowest.rate.median, pipelineShare: pipeline === undefined ? null : pipeline / slowest.rate.median };
  }
  for (const s of SECTIONS) {
    if (!has(s)) results.notes.push(`${s}: not run${s === 'scaling' && options.quick ? ' (full run only)' : ''}`);
  }
  results.compilerShareMeasured = jit.stop();
  const after = machineSnapshot();
  results.machine.loadAverageAtEnd = after.loadAverage;
  // Workers are bundled from the working tree each time they start: code changed during the run
  // was measured by the runs after the change, so the header must not name only the first commit.
  if (after.commit !== before.commit) {
    const what = codeChangedBetween(before.commit, after.commit) ? 'the code changed during the run' : 'only documentation changed during the run';
    results.machine.commit = `${before.commit}, then ${after.commit} (${what})`;
  }
  results.machine.wallSeconds = Math.round((performance.now() - started) / 1000);
  return { results, failed };
}

/**
 * x1000 for `seconds` on a namespace of its own, measured like a fixed rate but counted in no
 * figure: the JVMs of a stack just started compile their hot code for minutes, and a section
 * measured meanwhile pays for it.
 */
async function warmUp(seconds: number, workers: number, log: Logger): Promise<WarmUpResult> {
  const jit = new JitMeter();
  jit.start();
  const run = await measureFixedRate({ rate: WARMUP_RATE, seconds, workers, log, seed: 900 });
  return {
    seconds,
    targetRate: WARMUP_RATE,
    achievedRate: run.achievedRate,
    sustained: run.sustained,
    cpuByProcess: cpuUse([{ records: run.published, rate: run.achievedRate, cpuSeconds: run.cpuSeconds }]),
    compilerShare: jit.stop(),
  };
}
