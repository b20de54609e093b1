import { parseCliArgs } from '../ops/cli-args.js';
import { UsageError } from '../ops/usage-error.js';

/** The sections of the suite, in the order they run. */
export const SECTIONS = ['kafka', 'elasticsearch', 'redis', 'max-rate', 'rebuild', 'reference', 'fixed-rate', 'scaling'] as const;
export type Section = (typeof SECTIONS)[number];

/** One fixed-rate run: a multiple of Bitcoin's real rate (about 5 tx/s), offered for `seconds`. */
export interface FixedRate {
  multiplier: number;
  rate: number;
  seconds: number;
}

/** One scaling run: workers and partitions of each raw topic. */
export interface ScalingPoint {
  workers: number;
  partitions: number;
}

/** Everything a run of the suite needs to know, validated in one place. */
export interface BenchOptions {
  quick: boolean;
  sections: readonly Section[];
  /** Runs per figure (median, min, max); default 3, `--quick` 1. */
  runs: number;
  /** Records produced and consumed per Kafka run. */
  kafkaRecords: number;
  /** Documents per Elasticsearch bulk run, at each bulk size. */
  esDocuments: number;
  esBulkSizes: readonly number[];
  /** Tuple trees per acker run and tuples per BullMQ run. */
  redisTuples: number;
  /** Transactions of the max-rate backlog (also replayed by the rebuild). */
  backlog: number;
  /** Topology workers of the max-rate, fixed-rate and rebuild runs; default 2, as the pm2 fleet. */
  workers: number;
  /**
   * The fixed rates and how long each runs: `--fixed-seconds` for all when given; else 20 s with
   * `--quick`, and in a full run 60 s, but x1000 for the goal's 5 minutes (`GOAL_SECONDS`).
   */
  fixedRates: readonly FixedRate[];
  /**
   * Seconds of the first run of each fixed rate over which every worker's CPU is profiled, from the
   * start of its load (`--profile-fixed`); null (default): none, as the profiler costs the run some
   * CPU, and the fixed rates measure whether the pipeline keeps up.
   */
  profileFixedSeconds: number | null;
  /**
   * Seconds of x1000 load on a namespace of its own before the first section (`--warmup`), so that
   * the stack's JVMs have compiled their hot code before anything is measured; default 300 for a
   * full run, 0 (none) with `--quick` or `--only`.
   */
  warmupSeconds: number;
  /** Backlog of each scaling run (smaller than the max-rate backlog: there are many runs). */
  scalingBacklog: number;
  scaling: readonly ScalingPoint[];
  /** Where results.json and BENCHMARKS.md go: the repository's files (default), or a directory. */
  outDir: string | null;
}

/**
 * A full run's warm-up. On a stack just started, x1000 cost Elasticsearch 2.5 times its warm CPU
 * in its first minute and 1.5 times in its third, and the JVMs' compilers kept a tenth of their
 * CPU 25 minutes on (docs/ARCHITECTURE.md, measurement log): five minutes take the worst of it
 * off the figures, for five minutes more a run.
 */
export const FULL_RUN_WARMUP_SECONDS = 300;

/** Bitcoin's real rate, the x1 of the fixed-rate runs. */
export const BITCOIN_TX_PER_SECOND = 5;

/**
 * x1000 is measured for as long as its goal asks (issue 11: 5,000 tx/s sustained for 5 minutes);
 * the other fixed rates of a full run last `FIXED_SECONDS`, and every rate of `--quick`
 * `QUICK_FIXED_SECONDS`.
 */
export const GOAL_MULTIPLIER = 1_000;
export const GOAL_SECONDS = 300;
export const FIXED_SECONDS = 60;
export const QUICK_FIXED_SECONDS = 20;

/** The rate of the warm-up load: x1000, through the path every measured section takes. */
export const WARMUP_RATE = GOAL_MULTIPLIER * BITCOIN_TX_PER_SECOND;

/** The usage line of `npm run bench`. */
export const BENCH_USAGE = `usage: npm run bench -- [--quick] [--only SECTION,...] [--runs N] [--backlog N] [--fixed-seconds S] [--rates M,...] [--workers N] [--profile-fixed S] [--warmup S] [--out DIR]
  sections: ${SECTIONS.join(', ')}`;

function fixedRates(multipliers: readonly number[], seconds: { asked: number | undefined; quick: boolean }): FixedRate[] {
  const secondsOf = (m: number): number => {
    if (seconds.asked !== undefined) return seconds.asked;
    if (seconds.quick) return QUICK_FIXED_SECONDS;
    return m === GOAL_MULTIPLIER ? GOAL_SECONDS : FIXED_SECONDS;
  };
  return multipliers.map((m) => ({ multiplier: m, rate: m * BITCOIN_TX_PER_SECOND, seconds: secondsOf(m) }));
}

/**
 * Parses and validates the arguments of `npm run bench`; every problem is listed in one
 * `UsageError`. Without `--only`, a full run does every section and `--quick` every section but
 * scaling (it is the longest and needs several backlogs).
 */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values }: { values: Record<string, string | boolean | undefined> } = parseCliArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      runs: { type: 'string' },
      backlog: { type: 'string' },
      'fixed-seconds': { type: 'string' },
      rates: { type: 'string' },
      workers: { type: 'string' },
      'profile-fixed': { type: 'string' },
      warmup: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const problems: string[] = [];
  const quick = values.quick === true;
  const whole = (name: string, min: number, max: number): number | undefined => {
    const raw = values[name];
    if (typeof raw !== 'string') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return undefined;
    }
    return n;
  };
  const runs = whole('runs', 1, 20) ?? (quick ? 1 : 3);
  const backlog = whole('backlog', 100, 10_000_000) ?? (quick ? 20_000 : 500_000);
  const fixedSeconds = whole('fixed-seconds', 5, 3_600);
  const workers = whole('workers', 1, 16) ?? 2;
  const profileFixedSeconds = whole('profile-fixed', 1, 3_600) ?? null;
  const warmupSeconds = whole('warmup', 0, 3_600) ?? (quick || values.only !== undefined ? 0 : FULL_RUN_WARMUP_SECONDS);
  const multipliers = parseMultipliers(values.rates, problems) ?? (quick ? [1, 100] : [1, 10, 100, 1_000]);

  let sections: Section[] = quick ? SECTIONS.filter((s) => s !== 'scaling') : [...SECTIONS];
  if (typeof values.only === 'string') {
    const asked = values.only
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const unknown = asked.filter((s) => !(SECTIONS as readonly string[]).includes(s));
    if (unknown.length > 0) problems.push(`--only: unknown section(s) ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`);
    if (asked.length === 0) problems.push('--only needs at least one section');
    sections = SECTIONS.filter((s) => asked.includes(s));
  }
  const out = values.out;
  if (out === '') problems.push('--out needs a directory');
  if (problems.length > 0) throw new UsageError(problems.join('\n'));

  return {
    quick,
    sections,
    runs,
    kafkaRecords: quick ? 20_000 : 200_000,
    esDocuments: quick ? 10_000 : 100_000,
    esBulkSizes: quick ? [500, 2_000] : [500, 2_000, 5_000],
    redisTuples: quick ? 20_000 : 200_000,
    backlog,
    workers,
    fixedRates: fixedRates(multipliers, { asked: fixedSeconds, quick }),
    profileFixedSeconds,
    warmupSeconds,
    scalingBacklog: quick ? Math.min(backlog, 20_000) : 100_000,
    scaling: [
      { workers: 1, partitions: 9 },
      { workers: 2, partitions: 9 },
      { workers: 4, partitions: 9 },
      { workers: 2, partitions: 36 },
    ],
    outDir: typeof out === 'string' ? out : null,
  };
}

/** `--rates 1,1000`: the multiples of Bitcoin's real rate that the fixed-rate section runs. */
function parseMultipliers(raw: string | boolean | undefined, problems: string[]): number[] | undefined {
  if (typeof raw !== 'string') return undefined;
  const parts = raw.split(',').map((s) => s.trim());
  const multipliers = parts.map(Number);
  if (parts.some((s) => s === '') || multipliers.some((m) => !Number.isInteger(m) || m < 1 || m > 100_000)) {
    problems.push(`--rates must be whole multiples of ${BITCOIN_TX_PER_SECOND} tx/s from 1 to 100000, separated by commas, got "${raw}"`);
    return undefined;
  }
  return multipliers;
}
