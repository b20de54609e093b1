import type { Logger } from 'pino';
import type { AckerUpdate } from './acker-store.js';
import { InvariantError, RetriableError } from './errors.js';
import { transferKey, type ExecutorEnv } from './executor-env.js';
import type { TaskMetrics } from './metrics.js';
import type { BoltDefinition } from './topology-definition.js';
import { failureInfo, isRetriable } from './tuple-failure.js';
import { newTupleId, xorIds } from './tuple-id.js';
import { DEFAULT_STREAM, TICK_STREAM, type Bolt, type OutputCollector, type Tuple, type Values } from './types.js';
import { RuntimeTuple, type WireTuple } from './wire-tuple.js';

interface InFlight {
  tuple: RuntimeTuple;
  /** XOR to apply per root when the input is acked: its own id and its anchored children's. */
  xor: Map<string, string>;
  receivedAt: number;
}

/**
 * Runs one bolt task: executes tuples one at a time (a task is never concurrent, as in Storm),
 * routes emits, and turns acks into acker updates. Children of an input are folded into the
 * input's own ack update, so the acker registers them atomically with the ack (the tree's XOR
 * cannot reach zero while a child is unacked). Basic bolts are wrapped in a tiny rich bolt that
 * acks when `execute` resolves and fails when it throws.
 */
export class BoltExecutor {
  private readonly bolt: Bolt;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly metrics: TaskMetrics;
  private readonly log: Logger;
  private chain: Promise<void> = Promise.resolve();
  private cancelTick: (() => void) | undefined;
  private roomWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly env: ExecutorEnv,
    private readonly definition: BoltDefinition,
    readonly task: number,
  ) {
    this.log = env.log.child({ component: definition.id, task });
    this.metrics = env.metrics.task(definition.id, task);
    this.bolt = definition.kind === 'bolt' ? definition.factory() : basicBoltAdapter(definition.factory());
  }

  /** Prepares the bolt and starts its tick timer. */
  async start(): Promise<void> {
    const collector: OutputCollector = {
      emit: (values, options = {}) => this.emit(values, options.stream ?? DEFAULT_STREAM, options.anchors ?? []),
      ack: (tuple) => this.ack(tuple),
      fail: (tuple, err) => this.fail(tuple, err),
    };
    await this.bolt.prepare(
      {
        topology: this.env.topology.name,
        componentId: this.definition.id,
        taskIndex: this.task,
        taskCount: this.definition.parallelism,
        workerId: this.env.workerId,
        log: this.log,
        clock: this.env.clock,
        metrics: this.metrics,
      },
      collector,
    );
    this.scheduleTick();
  }

  /**
   * Executes a batch of tuples in order. Emits and acks leave through the worker's batchers
   * (size or linger), not before this resolves: nothing depends on their order, and if the process
   * dies first the trees time out and replay.
   */
  async executeBatch(tuples: readonly WireTuple[]): Promise<void> {
    for (const wire of tuples) {
      await this.waitForRoom();
      await this.serial(() => this.executeOne(new RuntimeTuple(wire)));
    }
  }

  /** Inputs executed but neither acked nor failed. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Stops ticks, cleans the bolt up and fails what it still holds (so it replays without waiting for the timeout). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelTick?.();
    await this.serial(async () => {
      try {
        await this.bolt.cleanup?.();
      } catch (err) {
        this.log.error({ err }, 'bolt cleanup failed');
      }
    });
    const held = [...this.inFlight.values()];
    for (const entry of held) this.fail(entry.tuple, new RetriableError('bolt task stopped before acking its input (moved to another worker)'));
    await this.env.transfer.flush();
    await this.env.acks.flush();
    for (const w of this.roomWaiters.splice(0)) w();
  }

  private async executeOne(tuple: RuntimeTuple): Promise<void> {
    const started = this.env.clock.monotonicMs();
    if (tuple.roots.length > 0) {
      this.inFlight.set(tuple.id, { tuple, xor: new Map(tuple.roots.map((r) => [r, tuple.id])), receivedAt: started });
    }
    try {
      await this.bolt.execute(tuple);
    } catch (err) {
      // A rich bolt that throws fails its input, as a basic bolt does.
      if (this.inFlight.has(tuple.id)) this.fail(tuple, err);
      else this.log.error({ err, stream: tuple.stream }, 'bolt execute threw');
    } finally {
      const ms = this.env.clock.monotonicMs() - started;
      this.metrics.count('executed');
      this.metrics.latency('executeLatency', ms);
      this.metrics.busy(ms);
    }
  }

  private emit(values: Values, stream: string, anchors: readonly Tuple[]): void {
    // The task moved away (its lease was lost) while an execution was still running: fail that
    // input so that the tree replays on the new owner.
    if (this.stopped) throw new RetriableError('bolt task stopped during execution (moved to another worker)');
    const anchorStates: InFlight[] = [];
    for (const a of anchors) {
      const state = this.inFlight.get(a.id);
      if (!state)
        throw new InvariantError('emit anchored to a tuple that was already acked or failed (emit before ack)', {
          component: this.definition.id,
          tupleId: a.id,
        });
      anchorStates.push(state);
    }
    const roots = [...new Set(anchorStates.flatMap((s) => s.tuple.roots))];
    const origins = dedupeOrigins(anchorStates.flatMap((s) => s.tuple.origins));
    const targets = this.env.router.route(this.definition.id, stream, values);
    this.metrics.count('emitted', 1, stream);
    for (const target of targets) {
      const id = newTupleId();
      for (const root of roots) {
        // Each child counts once per root: on the first anchor of that root.
        const owner = anchorStates.find((s) => s.xor.has(root)) as InFlight;
        owner.xor.set(root, xorIds(owner.xor.get(root) as string, id));
      }
      this.env.transfer.add(transferKey(target.component, target.task), { id, stream, src: this.definition.id, srcTask: this.task, values, origins, roots });
      this.metrics.count('transferred', 1, stream);
    }
  }

  private ack(tuple: Tuple): void {
    const state = this.inFlight.get(tuple.id);
    if (!state) return; // untracked, tick, or already acked
    this.inFlight.delete(tuple.id);
    for (const [root, xor] of state.xor) this.env.acks.add('acks', { root, xor } satisfies AckerUpdate);
    this.metrics.count('acked');
    this.metrics.latency('processLatency', this.env.clock.monotonicMs() - state.receivedAt);
    this.wakeRoom();
  }

  private fail(tuple: Tuple, err: unknown): void {
    const state = this.inFlight.get(tuple.id);
    if (!state) return;
    this.inFlight.delete(tuple.id);
    this.metrics.count('failed');
    const info = failureInfo(this.definition.id, this.task, err);
    const origin = state.tuple.origins[0];
    this.log.warn({ err, messageId: origin?.messageId, attempt: origin?.attempt, retriable: isRetriable(err) }, 'tuple failed');
    const roots = [...state.xor.keys()];
    // Through the ack batcher's ordering is not needed: a failed tree is dropped whatever its XOR.
    void this.env.acker.fail(roots, info).catch((e: unknown) => this.log.error({ err: e }, 'acker fail call failed; the tree will time out'));
    this.wakeRoom();
  }

  private scheduleTick(): void {
    const interval = this.definition.tickIntervalMs;
    if (interval === undefined || this.stopped) return;
    this.cancelTick = this.env.clock.setTimer(interval, () => {
      if (this.stopped) return;
      const tick = new RuntimeTuple({ id: newTupleId(), stream: TICK_STREAM, src: '__system', srcTask: -1, values: {}, origins: [], roots: [] });
      void this.serial(() => this.executeOne(tick)).catch((err: unknown) => this.log.error({ err }, 'tick failed'));
      this.scheduleTick();
    });
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private waitForRoom(): Promise<void> {
    if (this.inFlight.size < this.definition.maxInFlight || this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => this.roomWaiters.push(resolve)).then(() => this.waitForRoom());
  }

  private wakeRoom(): void {
    if (this.inFlight.size < this.definition.maxInFlight) for (const w of this.roomWaiters.splice(0)) w();
  }
}

function dedupeOrigins<T extends { messageId: string; attempt: number }>(origins: T[]): T[] {
  const seen = new Set<string>();
  return origins.filter((o) => {
    const k = `${o.messageId}\u0000${o.attempt}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Storm's BasicBoltExecutor: emits anchored to the input, ack on resolve, fail on throw. */
function basicBoltAdapter(basic: import('./types.js').BasicBolt): Bolt {
  let collector: OutputCollector | undefined;
  return {
    prepare: async (context, c) => {
      collector = c;
      await basic.prepare?.(context);
    },
    execute: async (tuple) => {
      const out = collector as OutputCollector;
      try {
        await basic.execute(tuple, { emit: (values, options = {}) => out.emit(values, { ...options, anchors: [tuple] }) });
      } catch (err) {
        out.fail(tuple, err);
        return;
      }
      out.ack(tuple);
    },
    cleanup: () => basic.cleanup?.(),
  };
}
