import type { WorkerProfileSummary } from './worker-profile.js';
import type { Figure } from './figure.js';
import type { CompilerShare } from './jit-meter.js';
import type { LagPoint, LagSample } from './lag-series.js';

/** Where and when the suite ran. */
export interface MachineInfo {
  date: string;
  commit: string;
  cores: number;
  cpuModel: string;
  memoryGb: number;
  /** 1, 5 and 15 minute load averages when the suite started and when it ended. */
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  node: string;
  quick: boolean;
  runsPerFigure: number;
  wallSeconds: number;
}

/** The limit of one part alone, in records (or tuples) per second. */
export interface PartLimit {
  part: string;
  /** What one unit is (records, documents, trees, tuples). */
  unit: string;
  /** How it was measured, one line. */
  how: string;
  rate: Figure | null;
}

/** Elasticsearch bulk indexing at one bulk size. */
export interface BulkSizeResult {
  bulkSize: number;
  rate: Figure | null;
}

/** A drained backlog: the pipeline's maximum sustained rate. */
export interface MaxRateResult {
  records: number;
  workers: number;
  partitions: number;
  /** Transactions per second from the workers joining until every record is committed and no aggregate is dirty. */
  rate: Figure | null;
  /** Seconds from starting the workers until their consumer groups were stable. */
  startupSeconds: Figure | null;
  /** Rate at which `npm run loadgen` published the backlog. */
  publishRate: Figure | null;
}

/** The transaction job alone, drained by the plainest correct consumer (`bench/reference-consumer.ts`). */
export interface ReferenceResult {
  records: number;
  /** Transactions per second from the consumer joining its group until its offsets were committed to the end. */
  rate: Figure | null;
  /** CPU by kind of process during the drains (this suite's process is `reference-consumer`), busiest first, then all. */
  cpuByProcess: CpuUse[];
}

/** One fixed-rate run. */
export interface FixedRateResult {
  multiplier: number;
  targetRate: number;
  seconds: number;
  achievedRate: Figure | null;
  completeP50Ms: Figure | null;
  completeP99Ms: Figure | null;
  /** The p99 of the worst minute of each run (`FixedRateRun.worstMinuteP99Ms`). */
  worstMinuteP99Ms: Figure | null;
  maxLag: Figure | null;
  endLag: Figure | null;
  /** How long the load lasted (longer than `seconds` when the load generator could not keep the rate). */
  loadSeconds: Figure | null;
  /** The lag at evenly spaced shares of each run's load, over the runs. */
  lagOverTime: LagPoint[];
  /** Share of the readings taken while Elasticsearch was merging segments, over the runs. */
  mergingShare: Figure | null;
  /** The most segments a copy of a transactions shard held at the end of each run's load, over the runs. */
  segmentsAtEnd: Figure | null;
  /** Every reading of each run (about one a second), for plots. */
  lagSamples: LagSample[][];
  /** Runs whose lag at the end of the load was below one second of input. */
  sustainedRuns: number;
  runs: number;
  /** CPU by kind of process from the start of the load to its end (`loadgen` included), busiest first, then all. */
  cpuByProcess: CpuUse[];
  /** Where the workers' CPU went in the first run's load (`npm run bench -- --profile-fixed S`); null when not asked. */
  workerProfile: WorkerProfileSummary | null;
}

/** One component of the topology as the runtime's metrics saw it during a max-rate run. */
export interface ComponentCost {
  component: string;
  /** Largest share of the last 10 s any of its tasks spent executing. */
  capacity: number;
  executeP50Ms: number | null;
  executeP99Ms: number | null;
  executed: number;
}

/** CPU one kind of process used during a run: a drained backlog, or a fixed rate's load. */
export interface CpuUse {
  /** `elasticsearch`, `kafka`, `redis`, `topology-worker`, `loadgen`, `bench` (the suite itself, polling), or `all`. */
  process: string;
  cpuSeconds: Figure | null;
  /** CPU time per transaction of the run, in microseconds. */
  microsPerRecord: Figure | null;
  /** Cores kept busy on average (CPU seconds / seconds of the run). */
  cores: Figure | null;
}

/** Peak resident memory of one kind of process in one section. */
export interface MemoryPeak {
  section: string;
  process: string;
  peakRssMb: Figure | null;
}

/** The load that ran before the first section to warm the stack up; nothing of it counts in a figure. */
export interface WarmUpResult {
  seconds: number;
  targetRate: number;
  achievedRate: number;
  /** Lag at the end of the load below one second of input. */
  sustained: boolean;
  /** CPU by kind of process over the warm-up's load (one run). */
  cpuByProcess: CpuUse[];
  /** The share of the JVMs' CPU their JIT compilers took during the warm-up. */
  compilerShare: CompilerShare;
}

/** Everything `npm run bench` measured; bench/results.json holds it as is. */
export interface BenchResults {
  machine: MachineInfo;
  /** The warm-up before the first section; null when there was none (`--warmup 0`, the default with `--quick` and `--only`). */
  warmUp: WarmUpResult | null;
  /**
   * The share of the JVMs' CPU their JIT compilers took from the end of the warm-up (or the start)
   * to the end of the suite: how warm the stack was while it was measured.
   */
  compilerShareMeasured: CompilerShare | null;
  parts: PartLimit[];
  esBulkSizes: BulkSizeResult[];
  maxRate: MaxRateResult | null;
  /** The slowest part and the pipeline's max rate as a share of it. */
  slowestPart: { part: string; rate: number; pipelineShare: number | null } | null;
  /** The transaction job alone, for comparison with the pipeline's maximum rate. */
  reference: ReferenceResult | null;
  fixedRates: FixedRateResult[];
  scaling: MaxRateResult[];
  rebuild: { records: number; workers: number; rate: Figure | null } | null;
  memory: MemoryPeak[];
  whereTimeGoes: ComponentCost[];
  /** CPU by kind of process during the max-rate runs, busiest first, then all of them together. */
  cpuByProcess: CpuUse[];
  /** Where the workers' own CPU went: a CPU profile of every worker during the first max-rate run. */
  workerProfile: WorkerProfileSummary | null;
  /** Sections that were not run, or failed, and why. */
  notes: string[];
}
