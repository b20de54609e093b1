import type { Logger } from 'pino';
import type { AckerUpdate } from './acker-store.js';
import { InvariantError, NonRetriableError, RetriableError } from './errors.js';
import { transferKey, type ExecutorEnv } from './executor-env.js';
import type { TaskMetrics } from './metrics.js';
import type { BoltDefinition } from './topology-definition.js';
import { parseStreamValues } from './stream.js';
import { failureInfo, isRetriable } from './tuple-failure.js';
import { newTupleId, xorIds } from './tuple-id.js';
import {
  TICK_STREAM,
  type BasicBolt,
  type BatchBolt,
  type BatchOutputCollector,
  type Bolt,
  type OutputCollector,
  type Stream,
  type Tuple,
  type Values,
} from './types.js';
import { RuntimeTuple, type WireTuple } from './wire-tuple.js';

interface InFlight {
  tuple: RuntimeTuple;
  /**
   * XOR to apply per root when the input is acked (its own id and its anchored children's), by
   * the index of the root in `tuple.roots` (an array, not a map: one small allocation per tuple).
   */
  xor: string[];
  receivedAt: number;
}

/** The bolt of a task, as its kind calls it: a tuple at a time, or a transport batch at a time. */
type TaskBolt = { perTuple: Bolt } | { perBatch: BatchBolt };

/**
 * Runs one bolt task: executes tuples one at a time, or one transport batch at a time for a batch
 * bolt (a task is never concurrent, as in Storm), routes emits, and turns acks into acker updates.
 * Children of an input are folded into the input's own ack update, so the acker registers them
 * atomically with the ack (the tree's XOR cannot reach zero while a child is unacked). Basic bolts
 * are wrapped in a tiny rich bolt that acks when `execute` resolves and fails when it throws; a
 * batch bolt's inputs are acked one by one when `executeBatch` resolves, all failed when it throws.
 * An input waits before it executes while the task has max in flight inputs, or while a bolt it
 * emits to is full in this worker (`ExecutorEnv.backpressure`).
 */
export class BoltExecutor {
  private readonly bolt: TaskBolt;
  private readonly inFlight = new Map<string, InFlight>();
  private readonly metrics: TaskMetrics;
  private readonly log: Logger;
  private readonly outputs: ReadonlySet<Stream>;
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
    this.outputs = new Set(definition.outputs);
    if (definition.kind === 'batch-bolt') this.bolt = { perBatch: definition.factory() };
    else this.bolt = { perTuple: definition.kind === 'bolt' ? definition.factory() : basicBoltAdapter(definition.factory()) };
  }

  /** Prepares the bolt and starts its tick timer. */
  async start(): Promise<void> {
    const collector: OutputCollector = {
      emit: (stream, values, options = {}) => this.emit(stream, values, options.anchors ?? []),
      ack: (tuple) => this.ack(tuple),
      fail: (tuple, err) => this.fail(tuple, err),
    };
    const context = {
      topology: this.env.topology.name,
      componentId: this.definition.id,
      taskIndex: this.task,
      taskCount: this.definition.parallelism,
      workerId: this.env.workerId,
      log: this.log,
      clock: this.env.clock,
      metrics: this.metrics,
    };
    if ('perBatch' in this.bolt) await this.bolt.perBatch.prepare?.(context);
    else await this.bolt.perTuple.prepare(context, collector);
    this.scheduleTick();
  }

  /**
   * Executes a batch that came through the task's queue: each tuple's values are parsed with its
   * stream's schema first, and a tuple that does not fit fails at once with the `SchemaError`
   * (its record is dead-lettered with the reason, never retried).
   */
  async receive(tuples: readonly WireTuple[]): Promise<void> {
    const valid: WireTuple[] = [];
    for (const wire of tuples) {
      const values = parseStreamValues(this.env.topology.streams, wire.stream, wire.values);
      if (!(values instanceof Error)) {
        valid.push({ ...wire, values });
        continue;
      }
      const tuple = new RuntimeTuple(wire);
      this.track(tuple, this.env.clock.monotonicMs());
      this.fail(tuple, values);
    }
    await this.executeBatch(valid);
  }

  /**
   * Executes a transport batch of tuples in order (a batch bolt: in one call). Emits and acks leave
   * through the worker's batchers (size or linger), not before this resolves: nothing depends on
   * their order, and if the process dies first the trees time out and replay.
   */
  async executeBatch(tuples: readonly WireTuple[]): Promise<void> {
    if ('perBatch' in this.bolt) {
      const bolt = this.bolt.perBatch;
      const batch = tuples.map((w) => new RuntimeTuple(w));
      if (batch.length === 0) return;
      if (!this.hasRoom()) await this.waitForRoom();
      await this.serial(() => this.executeWhole(bolt, batch));
      return;
    }
    // The tuples that fit run in one serial turn; waiting for room happens outside it, so that a
    // tick (a bolt that sends what it holds on ticks) can still run and free room.
    let next = 0;
    while (next < tuples.length) {
      if (!this.hasRoom()) await this.waitForRoom();
      await this.serial(async () => {
        do await this.executeOne(new RuntimeTuple(tuples[next++] as WireTuple));
        while (next < tuples.length && this.hasRoom());
      });
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
        await ('perBatch' in this.bolt ? this.bolt.perBatch.cleanup?.() : this.bolt.perTuple.cleanup?.());
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

  /**
   * Fails `tuples` at once when the task stopped before their turn came (it moved to another
   * worker): an execution queued behind `stop()` runs after the bolt's cleanup, and a bolt that
   * buffers (a bulk writer) would keep them for ever, so their trees would time out. Returns
   * whether they were failed.
   */
  private refuseAfterStop(tuples: readonly RuntimeTuple[]): boolean {
    if (!this.stopped) return false;
    const inputs = tuples.filter((t) => t.roots.length > 0);
    if (inputs.length === 0) return true; // a tick
    const started = this.env.clock.monotonicMs();
    for (const tuple of inputs) this.track(tuple, started);
    this.failBatch(inputs, new RetriableError('bolt task stopped before executing its input (moved to another worker)'));
    return true;
  }

  private async executeOne(tuple: RuntimeTuple): Promise<void> {
    if ('perBatch' in this.bolt) return this.executeWhole(this.bolt.perBatch, [tuple]);
    if (this.refuseAfterStop([tuple])) return;
    const started = this.env.clock.monotonicMs();
    this.track(tuple, started);
    try {
      await this.bolt.perTuple.execute(tuple);
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

  /**
   * Executes a batch bolt on `tuples` in one call: each input not failed by the bolt is acked when
   * the call resolves; when it throws, every input still held fails (logged once for the batch).
   * Metrics stay per tuple: each input counts as executed, with the batch's time shared evenly.
   */
  private async executeWhole(bolt: BatchBolt, tuples: readonly RuntimeTuple[]): Promise<void> {
    if (this.refuseAfterStop(tuples)) return;
    const started = this.env.clock.monotonicMs();
    for (const tuple of tuples) this.track(tuple, started);
    const collector: BatchOutputCollector = {
      emit: (stream, values, options) => this.emit(stream, values, [options.anchor]),
      fail: (input, err) => this.fail(input, err),
    };
    try {
      await bolt.executeBatch(tuples, collector);
      for (const tuple of tuples) this.ack(tuple);
    } catch (err) {
      this.failBatch(tuples, err);
    } finally {
      const ms = this.env.clock.monotonicMs() - started;
      this.metrics.count('executed', tuples.length);
      for (let i = 0; i < tuples.length; i += 1) this.metrics.latency('executeLatency', ms / tuples.length);
      this.metrics.busy(ms);
    }
  }

  private track(tuple: RuntimeTuple, receivedAt: number): void {
    if (tuple.roots.length > 0) this.inFlight.set(tuple.id, { tuple, xor: tuple.roots.map(() => tuple.id), receivedAt });
  }

  private emit(output: Stream, values: Values, anchors: readonly Tuple[]): void {
    // The task moved away (its lease was lost) while an execution was still running: fail that
    // input so that the tree replays on the new owner.
    if (this.stopped) throw new RetriableError('bolt task stopped during execution (moved to another worker)');
    if (!this.outputs.has(output))
      throw new InvariantError('emit on a stream the bolt does not declare in its outputs', { component: this.definition.id, stream: output.id });
    const stream = output.id;
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
    // One anchor (a basic or batch bolt's input) already has distinct roots and origins.
    const only = anchorStates.length === 1 ? anchorStates[0] : undefined;
    const roots = only ? only.tuple.roots : [...new Set(anchorStates.flatMap((s) => s.tuple.roots))];
    const origins = only ? only.tuple.origins : dedupeOrigins(anchorStates.flatMap((s) => s.tuple.origins));
    const targets = this.env.router.route(this.definition.id, stream, values);
    this.metrics.count('emitted', 1, stream);
    for (const target of targets) {
      const id = newTupleId();
      if (only) for (let i = 0; i < roots.length; i += 1) only.xor[i] = xorIds(only.xor[i] as string, id);
      else
        for (const root of roots) {
          // Each child counts once per root: on the first anchor of that root.
          const owner = anchorStates.find((s) => s.tuple.roots.includes(root)) as InFlight;
          const i = owner.tuple.roots.indexOf(root);
          owner.xor[i] = xorIds(owner.xor[i] as string, id);
        }
      this.env.transfer.add(transferKey(target.component, target.task), { id, stream, src: this.definition.id, srcTask: this.task, values, origins, roots });
      this.metrics.count('transferred', 1, stream);
    }
  }

  private ack(tuple: Tuple): void {
    const state = this.inFlight.get(tuple.id);
    if (!state) return; // untracked, tick, or already acked
    this.inFlight.delete(tuple.id);
    const { roots } = state.tuple;
    for (let i = 0; i < roots.length; i += 1) this.env.acks.add('acks', { root: roots[i] as string, xor: state.xor[i] as string } satisfies AckerUpdate);
    this.metrics.count('acked');
    this.metrics.latency('processLatency', this.env.clock.monotonicMs() - state.receivedAt);
    this.wakeRoom();
  }

  private fail(tuple: Tuple, err: unknown): void {
    const state = this.inFlight.get(tuple.id);
    if (!state) return;
    const origin = state.tuple.origins[0];
    this.log.warn({ err, messageId: origin?.messageId, attempt: origin?.attempt, retriable: isRetriable(err) }, 'tuple failed');
    this.failTrees([state], err);
  }

  /** Fails every input of a batch still held, with one log line and one acker call. */
  private failBatch(tuples: readonly Tuple[], err: unknown): void {
    const held = tuples.flatMap((t) => this.inFlight.get(t.id) ?? []);
    if (held.length === 0) {
      this.log.error({ err, size: tuples.length }, 'bolt executeBatch threw');
      return;
    }
    const origin = held[0]?.tuple.origins[0];
    this.log.warn({ err, size: held.length, messageId: origin?.messageId, attempt: origin?.attempt, retriable: isRetriable(err) }, 'tuple batch failed');
    this.failTrees(held, err);
  }

  private failTrees(states: readonly InFlight[], err: unknown): void {
    const roots = new Set<string>();
    for (const state of states) {
      this.inFlight.delete(state.tuple.id);
      for (const root of state.tuple.roots) roots.add(root);
    }
    this.metrics.count('failed', states.length);
    // A bad input names its spout messages, so that the owner of a batch tree dead-letters only them.
    const info = failureInfo(this.definition.id, this.task, err, isRetriable(err) ? undefined : badMessages(err, states));
    // Through the ack batcher's ordering is not needed: a failed tree is dropped whatever its XOR.
    void this.env.acker.fail([...roots], info).catch((e: unknown) => this.log.error({ err: e }, 'acker fail call failed; the tree will time out'));
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

  /** Whether the next input may execute: fewer than max in flight, and no bolt it emits to is full in this worker. */
  private hasRoom(): boolean {
    return (this.inFlight.size < this.definition.maxInFlight && !this.env.backpressure?.blocked(this.definition.id)) || this.stopped;
  }

  /** Waits until `hasRoom`: woken by an ack or fail of this task, a full bolt that clears, or `stop`. */
  private async waitForRoom(): Promise<void> {
    while (!this.hasRoom()) {
      await new Promise<void>((resolve) => {
        this.roomWaiters.push(resolve);
        if (this.inFlight.size < this.definition.maxInFlight) this.env.backpressure?.onClear(resolve);
      });
    }
  }

  private wakeRoom(): void {
    if (this.inFlight.size < this.definition.maxInFlight) for (const w of this.roomWaiters.splice(0)) w();
  }
}

/**
 * The spout messages a non-retriable failure of `states` dead-letters: the ones the error names
 * among theirs (a bad record of a record batch), else every message they descend from.
 */
function badMessages(err: unknown, states: readonly InFlight[]): string[] {
  const all = new Set(states.flatMap((s) => s.tuple.origins.map((o) => o.messageId)));
  const named = err instanceof NonRetriableError ? (err.messageIds ?? []).filter((id) => all.has(id)) : [];
  return named.length > 0 ? [...new Set(named)] : [...all];
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
function basicBoltAdapter(basic: BasicBolt): Bolt {
  let collector: OutputCollector | undefined;
  return {
    prepare: async (context, c) => {
      collector = c;
      await basic.prepare?.(context);
    },
    execute: async (tuple) => {
      const out = collector as OutputCollector;
      try {
        await basic.execute(tuple, { emit: (stream, values) => out.emit(stream, values, { anchors: [tuple] }) });
      } catch (err) {
        out.fail(tuple, err);
        return;
      }
      out.ack(tuple);
    },
    cleanup: () => basic.cleanup?.(),
  };
}
