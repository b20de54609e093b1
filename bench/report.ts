import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BITCOIN_TX_PER_SECOND } from './bench-options.js';
import type { BenchResults, CpuUse, FixedRateResult } from './bench-results.js';
import type { Figure } from './figure.js';
import type { CompilerShare } from './jit-meter.js';
import type { WorkerProfileSummary } from './worker-profile.js';

/** Where the suite writes by default: the repository's own files. */
export const DEFAULT_REPORT_PATHS = { results: 'bench/results.json', markdown: 'docs/BENCHMARKS.md' } as const;

const number = (v: number, digits = 0) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A share as a percentage with one decimal, or `not measured`. */
const percent = (share: number | null | undefined): string => (share === null || share === undefined ? 'not measured' : `${number(share * 100, 1)}%`);

/** A figure as `median (min–max)`, or the single value of a one-run figure; `n/a` when not measured. */
export function formatFigure(figure: Figure | null, digits = 0): string {
  if (figure === null) return 'n/a';
  if (figure.runs.length === 1) return number(figure.median, digits);
  return `${number(figure.median, digits)} (${number(figure.min, digits)}–${number(figure.max, digits)})`;
}

/** A figure of shares (0-1) in percent. */
const percentOf = (figure: Figure | null): Figure | null =>
  figure === null ? null : { median: figure.median * 100, min: figure.min * 100, max: figure.max * 100, runs: figure.runs.map((r) => r * 100) };

const table = (head: readonly string[], rows: readonly (readonly string[])[]): string[] =>
  rows.length === 0
    ? ['Not measured in this run.']
    : [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];

/** CPU by kind of process over drains: seconds, microseconds a transaction, cores kept busy. */
const cpuTable = (rows: readonly CpuUse[]): string[] =>
  table(
    ['process', 'CPU s', 'CPU µs per transaction', 'cores busy'],
    rows.map((c) => [c.process, formatFigure(c.cpuSeconds, 1), formatFigure(c.microsPerRecord), formatFigure(c.cores, 2)]),
  );

/** The Kafka lag over time of the fixed rates: a row per rate, a column per share of its load. */
function lagTable(rates: readonly FixedRateResult[]): string[] {
  const rows = rates.filter((f) => f.lagOverTime.length > 0);
  const shares = rows[0]?.lagOverTime.map((p) => (p.share === 1 ? 'end' : `${Math.round(p.share * 100)}%`)) ?? [];
  return [
    "Kafka lag over time: records of the raw topics not yet committed, at evenly spaced shares of each run's load (from the load generator's start to its end, which comes later than asked when it cannot keep the rate), each its last reading at or before that time. ES merging: the share of the readings taken while Elasticsearch was merging segments (a large merge keeps a core of each node holding a copy of the shard busy for seconds). ES segments at end: the most segments a copy of a transactions shard held when the load ended (segments left unmerged now are merged later, many at once). Every reading of every run is in bench/results.json, with the documents being merged then, to check whether a lag surge coincided with a merge.",
    '',
    ...table(
      ['rate', 'load s', ...shares, 'ES merging %', 'ES segments at end'],
      rows.map((f) => [
        `x${f.multiplier}`,
        formatFigure(f.loadSeconds),
        ...f.lagOverTime.map((p) => formatFigure(p.lag)),
        formatFigure(percentOf(f.mergingShare)),
        formatFigure(f.segmentsAtEnd),
      ]),
    ),
    '',
  ];
}

/**
 * CPU at the fixed rates: a row per rate, a column per kind of process (busiest first over all
 * rates, then `all`), each cell microseconds per transaction, then the cores it kept busy.
 */
function cpuAtRatesTable(rates: readonly FixedRateResult[]): string[] {
  const rows = rates.filter((f) => f.cpuByProcess.length > 0);
  const busiest = new Map<string, number>();
  for (const f of rows) for (const c of f.cpuByProcess) busiest.set(c.process, (busiest.get(c.process) ?? 0) + (c.cpuSeconds?.median ?? 0));
  const kinds = [...busiest.keys()].filter((k) => k !== 'all').sort((a, b) => (busiest.get(b) ?? 0) - (busiest.get(a) ?? 0));
  const cell = (f: FixedRateResult, kind: string) => {
    const c = f.cpuByProcess.find((x) => x.process === kind);
    return c === undefined || c.cores === null ? 'n/a' : `${formatFigure(c.microsPerRecord)}; ${number(c.cores.median, 2)} cores`;
  };
  return [
    "CPU at the fixed rates, from /proc, from the load generator's start to the last lag reading: microseconds per transaction (median, min–max), then the cores kept busy (median). `loadgen` is the load generator standing in for the producers; at low rates the idle cost of the stack dominates.",
    '',
    ...table(
      ['rate', ...kinds, 'all'],
      rows.map((f) => [`x${f.multiplier}`, ...kinds.map((k) => cell(f, k)), cell(f, 'all')]),
    ),
    '',
  ];
}

/**
 * The transaction job alone (the reference consumer): its rate, as a share of the slowest part,
 * the pipeline's rate as a share of it, and its CPU a transaction by kind of process.
 */
function referenceLines(results: BenchResults): string[] {
  const { reference, slowestPart } = results;
  if (reference === null) return [];
  const rate = reference.rate?.median;
  const share = (part: number | undefined, whole: number | undefined) => percent(part === undefined || whole === undefined ? null : part / whole);
  return [
    "The transaction job alone, for comparison: one process with a plain consumer (`bench/reference-consumer.ts`) drains the same kind of backlog from the raw transactions topic. It validates each record with its schema, renders its `btc-transactions` document at a fixed price, keeps each hour's count, volume and largest transaction in memory, writes the documents with `_bulk` (the pipeline's bulk size, two partitions' batches at a time) and commits a batch's offsets once Elasticsearch has confirmed it. It does not look up EUR prices, track blocks or pools, ack, keep state outside its memory or replay: it is the floor of what the transaction job costs on this stack.",
    '',
    ...table(
      ['records', 'tx/s', 'of the slowest part', "the pipeline's max rate, as a share of it"],
      [[number(reference.records), formatFigure(reference.rate), share(rate, slowestPart?.rate), share(results.maxRate?.rate?.median, rate)]],
    ),
    '',
    'Its CPU by kind of process during the drain (`reference-consumer` is the consumer):',
    '',
    ...cpuTable(reference.cpuByProcess),
    '',
  ];
}

/**
 * The warm-up (or its absence) and how much of the JVMs' CPU their JIT compilers took, during it
 * and during the measured sections: how warm the stack was while it was measured.
 */
function warmUpLines(results: BenchResults): string[] {
  const { warmUp, compilerShareMeasured } = results;
  const compilers = (share: CompilerShare | null) => `Elasticsearch ${percent(share?.elasticsearch)} and Kafka ${percent(share?.kafka)}`;
  if (warmUp === null) {
    return [
      `No warm-up (\`--warmup 0\`, the default with \`--quick\` and \`--only\`): on a stack just started, the JVMs compile their hot code for minutes and every figure pays for it. The share of the JVMs' CPU that went to their JIT compilers during the measured sections: ${compilers(compilerShareMeasured)}.`,
    ];
  }
  const perTx = (kind: string) => {
    const figure = warmUp.cpuByProcess.find((c) => c.process === kind)?.microsPerRecord?.median;
    return figure === undefined ? 'not measured' : number(figure);
  };
  return [
    `Warm-up: before the first section, x${number(warmUp.targetRate / BITCOIN_TX_PER_SECOND)} (${number(warmUp.targetRate)} tx/s) ran for ${number(warmUp.seconds)} s on a namespace of its own; it counts in no figure. It reached ${number(warmUp.achievedRate)} tx/s (${warmUp.sustained ? 'sustained' : 'not sustained'}) at ${perTx('all')} µs of CPU a transaction over all processes (Elasticsearch ${perTx('elasticsearch')}, Kafka ${perTx('kafka')}, workers ${perTx('topology-worker')}). The share of the JVMs' CPU that went to their JIT compilers: during the warm-up, ${compilers(warmUp.compilerShare)}; during the measured sections, ${compilers(compilerShareMeasured)}.`,
  ];
}

/** Where the workers' own CPU went, from their CPU profiles over the first seconds of `during` (a run's drain or load). */
function workerProfileLines(profile: WorkerProfileSummary | null, during: string): string[] {
  if (profile === null) return [];
  return [
    `Where the workers' CPU went: a CPU profile of each of the ${profile.workers} workers over the first ${profile.seconds} s of ${during} (V8's sampling profiler, every 1 ms, in the worker: \`/debug/cpu-profile\`, OPERATIONS.md). Their main threads were busy ${percent(profile.busyShare)} of that time; the shares are of the busy time, by package, by directory of the project (pipeline/runtime is the runtime, pipeline/topology the analytics) or by kind of native work, then by function (self time).`,
    '',
    ...table(
      ['where', 'share of busy time'],
      profile.groups.map((g) => [g.name, percent(g.share)]),
    ),
    '',
    ...table(
      ['function (file)', 'share of busy time'],
      profile.functions.map((f) => [f.name.replaceAll('|', '\\|'), percent(f.share)]),
    ),
    '',
  ];
}

/** docs/BENCHMARKS.md from the results (pure: the same results give the same text). */
export function renderBenchmarks(results: BenchResults): string {
  const m = results.machine;
  const kind = m.quick
    ? 'a **quick** run (`npm run bench -- --quick`: 1 run a figure, small sizes; indicative only)'
    : `a full run (${m.runsPerFigure} runs a figure)`;
  const figureNote =
    m.runsPerFigure === 1 ? 'Each figure is a single run.' : `Each figure is the median of ${m.runsPerFigure} runs, with the minimum and maximum in brackets.`;
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${m.date.slice(0, 10)} (${m.date}), commit \`${m.commit}\`, ${kind}, in ${number(m.wallSeconds / 60, 1)} minutes.`,
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB memory, Node ${m.node}; the local stack (3 Kafka brokers, RF 3, min.insync.replicas 2; 3 Elasticsearch nodes, 2 replicas, 3 primary shards for the transaction indices and 1 for the others; Redis) runs on the same machine.`,
    `Load average (1, 5, 15 min) at the start: ${m.loadAverageAtStart.join(', ')}; at the end: ${m.loadAverageAtEnd.join(', ')}. The machine is shared with other work (on ${m.cores} cores, a load above ${m.cores} means processes wait for a CPU), so the numbers are lower bounds of what the code does on an idle machine, and vary from run to run.`,
    '',
    ...warmUpLines(results),
    '',
    `${figureNote} Every run uses a fresh namespace set up by the project's own setup (same partitions, replication, mappings and replicas as production) and deletes it afterwards. Data: real-shaped confirmed transactions as \`npm run loadgen\` makes them (recorded outputs of data/sample resampled, fresh txids).`,
    '',
    '## How to run',
    '',
    '```',
    'npm run stack -- up              # the stack must be up',
    'npm run bench                    # full run (about 55 minutes on 2 cores): writes bench/results.json and docs/BENCHMARKS.md',
    'npm run bench -- --quick         # 1 run a figure, small sizes, no scaling: minutes on a quiet machine',
    'npm run bench -- --only kafka,redis --out .run/bench   # some sections, written elsewhere',
    "npm run bench -- --only fixed-rate --rates 1000 --runs 1 --out .run/bench   # x1000 alone, for its goal's 5 minutes (--fixed-seconds S for another length)",
    'npm run bench -- --only max-rate --workers 1 --out .run/bench   # the max rate with another fleet size (default 2 workers)',
    "npm run bench -- --only fixed-rate --rates 1000 --runs 1 --fixed-seconds 60 --profile-fixed 60 --out .run/bench   # where the workers' CPU goes at x1000",
    'npm run bench -- --only fixed-rate --rates 1000 --runs 1 --fixed-seconds 60 --warmup 300 --out .run/bench   # the same on a stack just started, warmed up first (a full run warms up for 300 s by default)',
    '```',
    '',
    'Sections: `kafka`, `elasticsearch`, `redis` (the parts), `max-rate`, `rebuild`, `reference` (the transaction job alone, for comparison), `fixed-rate`, `scaling`. `npm test` runs the quick suite as a smoke step (it fails only when a run does not complete, never on a speed). The quick run is meant to take under 10 minutes; most of it is the 20,000-record backlog drained three times (max rate, rebuild, reference), so its wall time is about 60,000 / the max rate, plus a few minutes.',
    '',
    '## 1. Limits of the parts',
    '',
    ...table(
      ['part', 'rate', 'unit', 'how'],
      results.parts.map((p) => [p.part, formatFigure(p.rate), p.unit, p.how]),
    ),
    '',
    'Elasticsearch bulk by bulk size:',
    '',
    ...table(
      ['bulk size', 'documents/s'],
      results.esBulkSizes.map((b) => [number(b.bulkSize), formatFigure(b.rate)]),
    ),
    '',
    '## 2. Maximum sustained rate',
    '',
    "A backlog published with `npm run loadgen` before the workers start; the clock starts when every consumer group of the workers is stable and stops when every raw topic is committed to its end and no aggregate is dirty (the demo's wait); rate = the records not yet committed when the clock started / its time (a worker that joins first consumes while the other groups rebalance, and those records are left out). The scaling runs of section 4 are measured the same way.",
    '',
    ...table(
      ['records', 'workers', 'partitions', 'tx/s', 'startup s', 'loadgen publish tx/s'],
      results.maxRate === null
        ? []
        : [
            [
              number(results.maxRate.records),
              String(results.maxRate.workers),
              String(results.maxRate.partitions),
              formatFigure(results.maxRate.rate),
              formatFigure(results.maxRate.startupSeconds, 1),
              formatFigure(results.maxRate.publishRate),
            ],
          ],
    ),
    '',
    results.slowestPart === null
      ? 'Ratio to the slowest part: not measured (the parts were not run).'
      : `Slowest part: ${results.slowestPart.part}, ${number(results.slowestPart.rate)}/s. The pipeline's maximum rate is ${
          results.slowestPart.pipelineShare === null ? 'not measured' : `**${number(results.slowestPart.pipelineShare * 100, 1)}%** of it`
        }.`,
    '',
    ...referenceLines(results),
    '## 3. Fixed rates',
    '',
    "x1 is Bitcoin's real rate (5 tx/s). Complete latency: the transaction spout's trees over the last minute (median of its tasks' p50, largest p99), from the runtime's metrics; worst-minute p99: the largest of those p99s in any minute of the run (the metrics read every 3 s), which shows a surge in the middle of a long run. Neither counts the time a record waits in Kafka before a spout at max pending takes it; the lag shows that. Lag: records of the raw topics not yet committed, sampled every second. Sustained: lag at the end of the load below one second of input.",
    '',
    ...table(
      ['rate', 'target tx/s', 'seconds', 'achieved tx/s', 'complete p50 ms', 'complete p99 ms', 'worst-minute p99 ms', 'max lag', 'lag at end', 'sustained'],
      results.fixedRates.map((f) => [
        `x${f.multiplier}`,
        number(f.targetRate),
        String(f.seconds),
        formatFigure(f.achievedRate),
        formatFigure(f.completeP50Ms),
        formatFigure(f.completeP99Ms),
        formatFigure(f.worstMinuteP99Ms),
        formatFigure(f.maxLag),
        formatFigure(f.endLag),
        `${f.sustainedRuns === f.runs ? 'yes' : f.sustainedRuns === 0 ? 'no' : 'partly'} (${f.sustainedRuns}/${f.runs})`,
      ]),
    ),
    '',
    ...lagTable(results.fixedRates),
    ...cpuAtRatesTable(results.fixedRates),
    ...results.fixedRates.flatMap((f) => workerProfileLines(f.workerProfile, `the load of the first x${f.multiplier} run`)),
    '## 4. Scaling',
    '',
    ...table(
      ['workers', 'partitions', 'records', 'tx/s', 'startup s'],
      results.scaling.map((s) => [String(s.workers), String(s.partitions), number(s.records), formatFigure(s.rate), formatFigure(s.startupSeconds, 1)]),
    ),
    '',
    '## 5. Rebuild rate',
    '',
    "`npm run rebuild`'s machinery (ops/rebuild.ts) on the max-rate backlog: indices emptied and loaded without replicas, groups rewound to offset 0, records/s from starting the workers until everything is processed and every replica is back (as `npm run rebuild` reports it, worker start-up and replica copy included).",
    '',
    ...table(
      ['records', 'workers', 'records/s'],
      results.rebuild === null ? [] : [[number(results.rebuild.records), String(results.rebuild.workers), formatFigure(results.rebuild.rate)]],
    ),
    '',
    '## 6. Memory',
    '',
    'Peak resident memory (VmRSS from /proc, sampled every second) of the largest process of each kind.',
    '',
    ...table(
      ['section', 'process', 'peak RSS MB'],
      results.memory.map((r) => [r.section, r.process, formatFigure(r.peakRssMb)]),
    ),
    '',
    '## 7. Where the time goes',
    '',
    "From the runtime's metrics during the max-rate run (the metrics read when the components were busiest): capacity is the largest share of the last 10 s any task of the component spent executing (1.0: saturated); execute latency is per `execute` call (a tuple; for `aggregates`, mostly its render ticks). Busiest first: the top rows are the next optimisation.",
    '',
    ...table(
      ['component', 'capacity', 'execute p50 ms', 'execute p99 ms', 'executed'],
      results.whereTimeGoes.map((c) => [
        c.component,
        number(c.capacity, 2),
        c.executeP50Ms === null ? 'n/a' : number(c.executeP50Ms, 1),
        c.executeP99Ms === null ? 'n/a' : number(c.executeP99Ms, 1),
        number(c.executed),
      ]),
    ),
    '',
    "CPU by kind of process while the max-rate backlog drained (from /proc, from the workers joining their groups until everything was processed; `bench` is this suite polling for the end). The `all` row's cores busy, against the machine's cores, tells whether the drain was short of CPU; the top rows are where a transaction costs the most.",
    '',
    ...cpuTable(results.cpuByProcess),
    '',
    ...workerProfileLines(results.workerProfile, "the first max-rate run's drain"),
  ];
  if (results.notes.length > 0) lines.push('## Notes', '', ...results.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

/** Writes results.json and BENCHMARKS.md: to the repository's files, or both into `outDir`. */
export function writeBenchReport(results: BenchResults, outDir: string | null): { results: string; markdown: string } {
  const paths = outDir === null ? { ...DEFAULT_REPORT_PATHS } : { results: join(outDir, 'results.json'), markdown: join(outDir, 'BENCHMARKS.md') };
  for (const path of Object.values(paths)) mkdirSync(dirname(path), { recursive: true });
  writeFileSync(paths.results, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(paths.markdown, renderBenchmarks(results));
  return paths;
}
