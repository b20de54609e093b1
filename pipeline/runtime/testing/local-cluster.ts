import { pino, type Logger } from 'pino';
import { AckerTable } from '../acker-table.js';
import type { AckerUpdate } from '../acker-store.js';
import { Batcher } from '../batcher.js';
import { BoltExecutor } from '../bolt-executor.js';
import { parseTransferKey, transferKey, type ExecutorEnv } from '../executor-env.js';
import { RuntimeMetrics, type WorkerMetricsSnapshot } from '../metrics.js';
import { Router } from '../router.js';
import { runtimeOptions } from '../runtime-options.js';
import { SpoutExecutor } from '../spout-executor.js';
import type { Topology } from '../topology-definition.js';
import type { WireTuple } from '../wire-tuple.js';
import { FakeClock } from './fake-clock.js';

/** Options of a `LocalCluster`. */
export interface LocalClusterOptions {
  /** Default: a new `FakeClock`. */
  clock?: FakeClock;
  /** Default 30 000. */
  messageTimeoutMs?: number;
  /** Default 1000. */
  maxSpoutPending?: number;
  /** Messages of one `nextTuple` call that share a tree; default the runtime's (100). */
  treeBatchSize?: number;
  /** Tuples per transport batch; default 10. */
  batchSize?: number;
  log?: Logger;
}

/**
 * Runs a whole topology in one process (Storm's LocalCluster): every task local, an in-memory
 * transport (which serialises each batch and parses it with the streams' schemas, as the task
 * queues do), the in-memory XOR acker, and virtual time. Nothing runs by itself: `settle()` drives
 * spouts, deliveries and completions until the topology is idle; `clock.advance()` moves time
 * (timeouts, ticks, replay backoff).
 */
export class LocalCluster {
  readonly clock: FakeClock;
  readonly acker = new AckerTable();
  private readonly options: Required<Omit<LocalClusterOptions, 'clock' | 'log'>>;
  private readonly log: Logger;
  private readonly queues = new Map<string, WireTuple[][]>();
  private spouts: SpoutExecutor[] = [];
  private readonly bolts = new Map<string, BoltExecutor>();
  private metrics: RuntimeMetrics | undefined;

  constructor(options: LocalClusterOptions = {}) {
    this.clock = options.clock ?? new FakeClock();
    this.log = options.log ?? pino({ level: 'silent' });
    this.options = {
      messageTimeoutMs: options.messageTimeoutMs ?? 30_000,
      maxSpoutPending: options.maxSpoutPending ?? 1000,
      treeBatchSize: options.treeBatchSize ?? runtimeOptions().treeBatchSize,
      batchSize: options.batchSize ?? 10,
    };
  }

  /** Prepares every task of `topology` (one spout task per spout parallelism, every bolt task). */
  async submit(topology: Topology): Promise<void> {
    const metrics = new RuntimeMetrics(topology.name, 'local', () => this.clock.monotonicMs());
    this.metrics = metrics;
    const env: ExecutorEnv = {
      topology,
      workerId: 'local',
      log: this.log,
      clock: this.clock,
      router: new Router(topology, { localTasks: (component) => Array.from({ length: topology.bolts.get(component)?.parallelism ?? 0 }, (_, i) => i) }),
      transfer: new Batcher<WireTuple>({
        batchSize: this.options.batchSize,
        lingerMs: 0,
        clock: this.clock,
        send: async (key, tuples) => {
          const q = this.queues.get(key) ?? [];
          q.push(tuples);
          this.queues.set(key, q);
        },
      }),
      acks: new Batcher<AckerUpdate>({ batchSize: 1000, lingerMs: 0, clock: this.clock, send: (_key, updates) => this.acker.ack(updates) }),
      acker: this.acker,
      metrics,
      messageTimeoutMs: this.options.messageTimeoutMs,
      maxSpoutPending: this.options.maxSpoutPending,
      treeBatchSize: this.options.treeBatchSize,
    };
    this.env = env;
    for (const id of [...topology.boltOrder].reverse()) {
      const def = topology.bolts.get(id);
      if (!def) continue;
      for (let task = 0; task < def.parallelism; task += 1) {
        const executor = new BoltExecutor(env, def, task);
        await executor.start();
        this.bolts.set(transferKey(id, task), executor);
      }
    }
    for (const def of topology.spouts.values()) {
      for (let task = 0; task < def.parallelism; task += 1) {
        const executor = new SpoutExecutor(env, def, task, def.parallelism);
        await executor.open();
        this.spouts.push(executor);
      }
    }
  }

  private env: ExecutorEnv | undefined;

  /** Drives the topology until no spout emits, no tuple is queued and no completion is waiting. */
  async settle(maxRounds = 10_000): Promise<void> {
    const env = this.env;
    if (!env) return;
    for (let round = 0; round < maxRounds; round += 1) {
      let progress = 0;
      for (const spout of this.spouts) progress += await spout.step();
      for (const [key, queue] of this.queues) {
        const executor = this.bolts.get(key);
        while (queue.length > 0) {
          const batch = queue.shift() as WireTuple[];
          progress += batch.length;
          if (!executor) throw new Error(`no local task ${JSON.stringify(parseTransferKey(key))}`);
          // As through a task queue: serialised, then parsed with each stream's schema.
          await executor.receive(JSON.parse(JSON.stringify(batch)) as WireTuple[]);
        }
      }
      await env.transfer.flush();
      await env.acks.flush();
      const done = await this.acker.takeCompletions('local', 100_000);
      for (const spout of this.spouts) await spout.complete(done);
      progress += done.length;
      for (const spout of this.spouts) await spout.checkTimeouts();
      if (progress === 0 && this.queuedTuples === 0) return;
    }
    throw new Error(`local topology did not settle within ${maxRounds} rounds`);
  }

  /** Moves virtual time by `ms`, then settles. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.settle();
  }

  /** Tuples waiting in the in-memory transport. */
  get queuedTuples(): number {
    let n = 0;
    for (const q of this.queues.values()) for (const b of q) n += b.length;
    return n;
  }

  /** Trees pending per spout task. */
  get pending(): number {
    return this.spouts.reduce((n, s) => n + s.pendingCount, 0);
  }

  /** Metrics of the local run, as a worker would serve them. */
  async metricsSnapshot(): Promise<WorkerMetricsSnapshot | undefined> {
    return this.metrics?.snapshot();
  }

  /** Closes spouts and cleans bolts up. */
  async shutdown(): Promise<void> {
    for (const s of this.spouts) await s.close();
    for (const b of this.bolts.values()) await b.stop();
    this.spouts = [];
    this.bolts.clear();
  }
}
