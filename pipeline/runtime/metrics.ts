import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { LatencyWindow } from './latency-window.js';

type CounterName = 'emitted' | 'transferred' | 'acked' | 'failed' | 'replayed' | 'deadLettered' | 'executed';
type LatencyName = 'executeLatency' | 'processLatency' | 'completeLatency';

const COUNTERS: readonly CounterName[] = ['emitted', 'transferred', 'acked', 'failed', 'replayed', 'deadLettered', 'executed'];
const LATENCIES: readonly LatencyName[] = ['executeLatency', 'processLatency', 'completeLatency'];
const CAPACITY_WINDOW_MS = 10_000;
const CAPACITY_SLOT_MS = 100;
const CAPACITY_SLOTS = CAPACITY_WINDOW_MS / CAPACITY_SLOT_MS;

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
  /** Tuples in the worker's in-process task queues. */
  queuedTuples: number;
  /** Whether one bolt's queues are full, so that what emits to it waits (backpressure). */
  backpressure: boolean;
  components: Record<string, Record<string, TaskMetricsSnapshot>>;
}

/** What a worker's in-process task queues report (`QueueBackpressure`). */
export interface QueueState {
  readonly queuedTuples: number;
  readonly active: boolean;
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
  component: string;
  task: string;
  counters: Record<CounterName, number>;
  /** The same counts per stream (`''`: counts that belong to no stream). */
  byStream: Map<string, Record<CounterName, number>>;
  latencies: Record<LatencyName, LatencyWindow>;
  /** Spout trees in flight; null for a task that never reported any (a bolt). */
  pending: number | null;
  paused: boolean;
  lag: Map<string, number>;
  /** Busy ms per 100 ms slot of the capacity window (a ring), and the slot number each holds. */
  busyMs: Float64Array;
  busySlot: Float64Array;
}

/**
 * Per-worker metrics: plain numbers recorded on the tuple path, read by `/metrics.json` and turned
 * into prom-client metrics for `/metrics` only when it is scraped (a prom-client call per tuple,
 * with its label checks and t-digest, cost a fifth of a worker's CPU at 2,000 tuples/s).
 */
export class RuntimeMetrics {
  readonly registry = new Registry();
  private readonly tasks = new Map<string, TaskState>();
  private readonly lagGauge: Gauge<string>;
  private readonly pausedGauge: Gauge<string>;
  private processMetrics = false;
  private queue: QueueState = { queuedTuples: 0, active: false };

  constructor(
    readonly topology: string,
    readonly workerId: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    const self = this;
    for (const name of COUNTERS) {
      // Registered in the registry, which reads it through `collect`.
      new Counter({
        name: `storm_${snake(name)}_total`,
        help: `tuples ${snake(name).replace('_', ' ')}`,
        labelNames: ['topology', 'component', 'task', 'stream'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const state of self.tasks.values()) {
            for (const [stream, counts] of state.byStream) {
              this.inc({ topology: self.topology, component: state.component, task: state.task, stream }, counts[name]);
            }
          }
        },
      });
    }
    for (const name of LATENCIES) {
      new Gauge({
        name: `storm_${snake(name)}_ms`,
        help: `${snake(name).replace('_', ' ')} in ms over the last minute (quantile), and observations since start (quantile="count")`,
        labelNames: ['topology', 'component', 'task', 'quantile'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const state of self.tasks.values()) {
            const window = state.latencies[name];
            const labels = { topology: self.topology, component: state.component, task: state.task };
            const q = window.quantiles();
            if (q.p50 !== null) this.set({ ...labels, quantile: '0.5' }, q.p50);
            if (q.p99 !== null) this.set({ ...labels, quantile: '0.99' }, q.p99);
            this.set({ ...labels, quantile: 'count' }, window.total);
          }
        },
      });
    }
    // Registered in the registry, which reads it through `collect`: a spout sets it twice per tree.
    new Gauge({
      name: 'storm_pending',
      help: 'spout tuples in flight',
      labelNames: ['topology', 'component', 'task'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const state of self.tasks.values())
          if (state.pending !== null) this.set({ topology: self.topology, component: state.component, task: state.task }, state.pending);
      },
    });
    // Registered in the registry, which reads it through `collect`.
    new Gauge({
      name: 'storm_capacity',
      help: 'share of the last 10 s spent executing',
      labelNames: ['topology', 'component', 'task'],
      registers: [this.registry],
      collect() {
        for (const state of self.tasks.values()) this.set({ topology: self.topology, component: state.component, task: state.task }, self.capacity(state));
      },
    });
    // Registered in the registry, which reads them through `collect`.
    new Gauge({
      name: 'storm_queued_tuples',
      help: "tuples in the worker's in-process task queues",
      labelNames: ['topology', 'worker'],
      registers: [this.registry],
      collect() {
        this.set({ topology: self.topology, worker: self.workerId }, self.queue.queuedTuples);
      },
    });
    new Gauge({
      name: 'storm_backpressure',
      help: "1 while a bolt's in-process task queues are full in the worker, so that what emits to it waits",
      labelNames: ['topology', 'worker'],
      registers: [this.registry],
      collect() {
        this.set({ topology: self.topology, worker: self.workerId }, self.queue.active ? 1 : 0);
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

  /**
   * Adds prom-client's process and Node.js metrics to `/metrics` (resident memory, heap spaces,
   * garbage collection, event-loop lag, CPU, handles), labelled with the topology and worker, so
   * an operator sees a worker's memory beside its tuples. For the process a worker runs in; a
   * second call adds nothing.
   */
  collectProcessMetrics(): void {
    if (this.processMetrics) return;
    this.processMetrics = true;
    collectDefaultMetrics({ register: this.registry, labels: { topology: this.topology, worker: this.workerId } });
  }

  /** Reports `queue` (the worker's in-process task queues) in the snapshot and on `/metrics`. */
  watchQueue(queue: QueueState): void {
    this.queue = queue;
  }

  /** The metrics handle of one task. */
  task(component: string, task: number): TaskMetrics {
    const key = `${component}\u0000${task}`;
    let state = this.tasks.get(key);
    if (!state) {
      state = {
        component,
        task: String(task),
        counters: zeroCounts(),
        byStream: new Map(),
        latencies: Object.fromEntries(LATENCIES.map((n) => [n, new LatencyWindow({ now: this.now })])) as Record<LatencyName, LatencyWindow>,
        pending: null,
        paused: false,
        lag: new Map(),
        busyMs: new Float64Array(CAPACITY_SLOTS),
        busySlot: new Float64Array(CAPACITY_SLOTS).fill(-1),
      };
      this.tasks.set(key, state);
    }
    const s = state;
    const labels = { topology: this.topology, component, task: String(task) };
    return {
      count: (name, n = 1, stream = '') => {
        s.counters[name] += n;
        let perStream = s.byStream.get(stream);
        if (!perStream) {
          perStream = zeroCounts();
          s.byStream.set(stream, perStream);
        }
        perStream[name] += n;
      },
      latency: (name, ms) => s.latencies[name].observe(ms),
      busy: (ms) => {
        const at = this.now();
        const slot = Math.floor(at / CAPACITY_SLOT_MS);
        const i = slot % CAPACITY_SLOTS;
        if (s.busySlot[i] !== slot) {
          s.busySlot[i] = slot;
          s.busyMs[i] = 0;
        }
        s.busyMs[i] = (s.busyMs[i] ?? 0) + ms;
      },
      setPending: (n) => {
        s.pending = n;
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
    const components: WorkerMetricsSnapshot['components'] = {};
    const latency = (window: LatencyWindow): LatencySnapshot => ({ count: window.total, ...window.quantiles() });
    for (const state of this.tasks.values()) {
      (components[state.component] ??= {})[state.task] = {
        ...state.counters,
        capacity: this.capacity(state),
        pending: state.pending ?? 0,
        paused: state.paused,
        executeLatency: latency(state.latencies.executeLatency),
        processLatency: latency(state.latencies.processLatency),
        completeLatency: latency(state.latencies.completeLatency),
        lag: Object.fromEntries(state.lag),
      };
    }
    return { topology: this.topology, workerId: this.workerId, queuedTuples: this.queue.queuedTuples, backpressure: this.queue.active, components };
  }

  private capacity(state: TaskState): number {
    const since = this.now() - CAPACITY_WINDOW_MS;
    const first = Math.floor(since / CAPACITY_SLOT_MS);
    let busy = 0;
    for (let i = 0; i < CAPACITY_SLOTS; i += 1) if ((state.busySlot[i] ?? -1) > first) busy += state.busyMs[i] ?? 0;
    return Math.min(1, busy / CAPACITY_WINDOW_MS);
  }
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function zeroCounts(): Record<CounterName, number> {
  return Object.fromEntries(COUNTERS.map((n) => [n, 0])) as Record<CounterName, number>;
}
