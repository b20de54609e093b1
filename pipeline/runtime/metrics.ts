import { Counter, Gauge, Registry, Summary } from 'prom-client';

type CounterName = 'emitted' | 'transferred' | 'acked' | 'failed' | 'replayed' | 'deadLettered' | 'executed';
type LatencyName = 'executeLatency' | 'processLatency' | 'completeLatency';

const COUNTERS: readonly CounterName[] = ['emitted', 'transferred', 'acked', 'failed', 'replayed', 'deadLettered', 'executed'];
const LATENCIES: readonly LatencyName[] = ['executeLatency', 'processLatency', 'completeLatency'];
const CAPACITY_WINDOW_MS = 10_000;

/** Numbers of one task, as `/metrics.json` shows them. */
export interface TaskMetricsSnapshot {
  emitted: number;
  transferred: number;
  acked: number;
  failed: number;
  replayed: number;
  deadLettered: number;
  executed: number;
  /** Share of the last 10 s spent executing (Storm's capacity). */
  capacity: number;
  pending: number;
  /** Whether the spout pauses fetching (backpressure). */
  paused: boolean;
  executeLatency: LatencySnapshot;
  processLatency: LatencySnapshot;
  completeLatency: LatencySnapshot;
  /** Kafka lag per `topic/partition` (spouts only). */
  lag: Record<string, number>;
}

/** Quantiles over the last minute, in ms. */
export interface LatencySnapshot {
  count: number;
  p50: number | null;
  p99: number | null;
}

/** One worker's metrics. */
export interface WorkerMetricsSnapshot {
  topology: string;
  workerId: string;
  components: Record<string, Record<string, TaskMetricsSnapshot>>;
}

/** The metrics a component task reports (bound to its component and task). */
export interface TaskMetrics {
  count(name: CounterName, n?: number, stream?: string): void;
  latency(name: LatencyName, ms: number): void;
  busy(ms: number): void;
  setPending(n: number): void;
  setLag(topic: string, partition: number, lag: number): void;
  /** Whether a spout's source fetching is paused by backpressure. */
  setPaused(paused: boolean): void;
}

interface TaskState {
  counters: Record<CounterName, number>;
  pending: number;
  paused: boolean;
  lag: Map<string, number>;
  busy: { at: number; ms: number }[];
}

/** Per-worker metrics registry: prom-client for `/metrics`, plain numbers for `/metrics.json`. */
export class RuntimeMetrics {
  readonly registry = new Registry();
  private readonly tasks = new Map<string, TaskState>();
  private readonly counters: Record<CounterName, Counter<string>>;
  private readonly summaries: Record<LatencyName, Summary<string>>;
  private readonly pendingGauge: Gauge<string>;
  private readonly lagGauge: Gauge<string>;
  private readonly pausedGauge: Gauge<string>;

  constructor(
    readonly topology: string,
    readonly workerId: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    const labelNames = ['topology', 'component', 'task', 'stream'];
    const make = (name: CounterName) =>
      new Counter({ name: `storm_${snake(name)}_total`, help: `tuples ${snake(name).replace('_', ' ')}`, labelNames, registers: [this.registry] });
    this.counters = Object.fromEntries(COUNTERS.map((n) => [n, make(n)])) as Record<CounterName, Counter<string>>;
    this.summaries = Object.fromEntries(
      LATENCIES.map((n) => [
        n,
        new Summary({
          name: `storm_${snake(n)}_ms`,
          help: `${snake(n).replace('_', ' ')} in ms over the last minute`,
          labelNames: ['topology', 'component', 'task'],
          percentiles: [0.5, 0.99],
          maxAgeSeconds: 60,
          ageBuckets: 6,
          registers: [this.registry],
        }),
      ]),
    ) as Record<LatencyName, Summary<string>>;
    const self = this;
    this.pendingGauge = new Gauge({
      name: 'storm_pending',
      help: 'spout tuples in flight',
      labelNames: ['topology', 'component', 'task'],
      registers: [this.registry],
    });
    // Registered in the registry, which reads it through `collect`.
    new Gauge({
      name: 'storm_capacity',
      help: 'share of the last 10 s spent executing',
      labelNames: ['topology', 'component', 'task'],
      registers: [this.registry],
      collect() {
        for (const [key, state] of self.tasks) {
          const [component, task] = splitKey(key);
          this.set({ topology: self.topology, component, task }, self.capacity(state));
        }
      },
    });
    this.pausedGauge = new Gauge({
      name: 'storm_spout_paused',
      help: '1 while a spout pauses fetching (backpressure)',
      labelNames: ['topology', 'component', 'task'],
      registers: [this.registry],
    });
    this.lagGauge = new Gauge({
      name: 'storm_kafka_lag',
      help: 'records behind the partition end',
      labelNames: ['topology', 'component', 'task', 'topic', 'partition'],
      registers: [this.registry],
    });
  }

  /** The metrics handle of one task. */
  task(component: string, task: number): TaskMetrics {
    const key = `${component}\u0000${task}`;
    let state = this.tasks.get(key);
    if (!state) {
      state = {
        counters: Object.fromEntries(COUNTERS.map((n) => [n, 0])) as Record<CounterName, number>,
        pending: 0,
        paused: false,
        lag: new Map(),
        busy: [],
      };
      this.tasks.set(key, state);
    }
    const s = state;
    const labels = { topology: this.topology, component, task: String(task) };
    return {
      count: (name, n = 1, stream = '') => {
        s.counters[name] += n;
        this.counters[name].inc({ ...labels, stream }, n);
      },
      latency: (name, ms) => this.summaries[name].observe(labels, ms),
      busy: (ms) => {
        const at = this.now();
        s.busy.push({ at, ms });
        while (s.busy.length > 0 && (s.busy[0] as { at: number }).at < at - CAPACITY_WINDOW_MS) s.busy.shift();
      },
      setPending: (n) => {
        s.pending = n;
        this.pendingGauge.set(labels, n);
      },
      setPaused: (paused) => {
        s.paused = paused;
        this.pausedGauge.set(labels, paused ? 1 : 0);
      },
      setLag: (topic, partition, lag) => {
        s.lag.set(`${topic}/${partition}`, lag);
        this.lagGauge.set({ ...labels, topic, partition: String(partition) }, lag);
      },
    };
  }

  /** Snapshot for `/metrics.json`. */
  async snapshot(): Promise<WorkerMetricsSnapshot> {
    const quantiles = new Map<string, Record<LatencyName, LatencySnapshot>>();
    for (const name of LATENCIES) {
      const metric = await this.summaries[name].get();
      for (const v of metric.values) {
        const key = `${v.labels.component}\u0000${v.labels.task}`;
        const entry = quantiles.get(key) ?? ({} as Record<LatencyName, LatencySnapshot>);
        const current = entry[name] ?? { count: 0, p50: null, p99: null };
        if (v.labels.quantile === 0.5) current.p50 = Number.isFinite(v.value) ? v.value : null;
        else if (v.labels.quantile === 0.99) current.p99 = Number.isFinite(v.value) ? v.value : null;
        else if (v.metricName?.endsWith('_count')) current.count = v.value;
        entry[name] = current;
        quantiles.set(key, entry);
      }
    }
    const components: WorkerMetricsSnapshot['components'] = {};
    for (const [key, state] of this.tasks) {
      const [component, task] = splitKey(key);
      const q = quantiles.get(key);
      const empty = { count: 0, p50: null, p99: null };
      (components[component] ??= {})[task] = {
        ...state.counters,
        capacity: this.capacity(state),
        pending: state.pending,
        paused: state.paused,
        executeLatency: q?.executeLatency ?? empty,
        processLatency: q?.processLatency ?? empty,
        completeLatency: q?.completeLatency ?? empty,
        lag: Object.fromEntries(state.lag),
      };
    }
    return { topology: this.topology, workerId: this.workerId, components };
  }

  private capacity(state: TaskState): number {
    const since = this.now() - CAPACITY_WINDOW_MS;
    let busy = 0;
    for (const b of state.busy) if (b.at >= since) busy += b.ms;
    return Math.min(1, busy / CAPACITY_WINDOW_MS);
  }
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('\u0000');
  return [key.slice(0, i), key.slice(i + 1)];
}
