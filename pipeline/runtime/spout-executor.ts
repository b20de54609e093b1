import type { Logger } from 'pino';
import type { AckerInit, Completion } from './acker-store.js';
import { InvariantError } from './errors.js';
import { transferKey, type ExecutorEnv } from './executor-env.js';
import type { TaskMetrics } from './metrics.js';
import type { SpoutDefinition } from './topology-definition.js';
import { TreeAbortedError, TupleFailedError, TupleTimeoutError, type FailureInfo } from './tuple-failure.js';
import { newTupleId, xorIds } from './tuple-id.js';
import type { Origin, Spout, Stream, Values } from './types.js';
import type { WireTuple } from './wire-tuple.js';

interface PendingTree {
  /** The spout messages the tree tracks: one, or a batch of first deliveries. */
  readonly messageIds: string[];
  readonly startedAt: number;
  /** XOR of the ids of the tree's spout tuples (undefined while none has a target). */
  xor: string | undefined;
}

/**
 * Runs one spout task. `step()` calls `nextTuple` when fewer than max-pending messages are in
 * flight and no bolt it emits to is full in this worker (`ExecutorEnv.backpressure`), registers
 * the new trees with the acker and only then sends their tuples. Completions
 * from the acker become `spout.ack`/`spout.fail`; a tree older than the message timeout
 * (monotonic clock) is forgotten in the acker, so late acks are ignored, and failed with a
 * `TupleTimeoutError`. Spout methods are called one at a time.
 *
 * **Batch tracking** (Trident's unit of tracking, with Storm's spout API): the first deliveries a
 * spout emits in one `nextTuple` call share one tree, up to `treeBatchSize` messages, so the
 * acker registers, updates and reports one tree per batch instead of one per message. The tree
 * completes when every tuple of every message in it was acked; then each message is acked. When
 * it fails, every message is failed: with the failure itself for a retriable one (a service is
 * missing, so all of them replay) or for the messages the failing tuple descends from, and with
 * a `TreeAbortedError` (replayed at once, never dead-lettered) for the others, so one bad record
 * is still dead-lettered alone. Replays (attempt > 1) always get a tree of their own, so a valid
 * record never shares a tree with the record that failed it twice.
 */
export class SpoutExecutor {
  private readonly spout: Spout;
  private readonly pending = new Map<string, PendingTree>();
  /** The tree of every message in flight (its size is the messages in flight). */
  private readonly byMessage = new Map<string, string>();
  private readonly inits: { root: string; tree: PendingTree }[] = [];
  private readonly outgoing: { key: string; tuple: WireTuple }[] = [];
  private readonly immediate: Completion[] = [];
  private readonly abandoned: string[] = [];
  private readonly metrics: TaskMetrics;
  private readonly log: Logger;
  private readonly maxPending: number;
  private readonly treeBatchSize: number;
  /** The batch tree that first deliveries of the current `nextTuple` call join. */
  private batch: { root: string; tree: PendingTree } | undefined;
  /** Spout tuples emitted so far (the progress `step` reports). */
  private emits = 0;
  private chain: Promise<void> = Promise.resolve();
  private opened = false;

  constructor(
    private readonly env: ExecutorEnv,
    private readonly definition: SpoutDefinition,
    readonly task: number,
    /** Task index and count shown to the spout (spouts are per worker). */
    private readonly taskCount: number,
  ) {
    this.log = env.log.child({ component: definition.id, task });
    this.metrics = env.metrics.task(definition.id, task);
    this.maxPending = definition.maxPending ?? env.maxSpoutPending;
    this.treeBatchSize = env.treeBatchSize;
    this.spout = definition.factory();
  }

  async open(): Promise<void> {
    await this.spout.open(
      {
        topology: this.env.topology.name,
        componentId: this.definition.id,
        taskIndex: this.task,
        taskCount: this.taskCount,
        workerId: this.env.workerId,
        log: this.log,
        clock: this.env.clock,
        metrics: this.metrics,
      },
      {
        emit: (stream, values, options = {}) =>
          this.emit(
            stream,
            values,
            options.messages ?? (options.messageId === undefined ? [] : [{ messageId: options.messageId, attempt: options.attempt ?? 1 }]),
          ),
        reportError: (err) => {
          this.log.error({ err }, 'spout error');
          this.metrics.count('failed');
        },
      },
    );
    this.opened = true;
  }

  /** Messages in flight. */
  get pendingCount(): number {
    return this.byMessage.size;
  }

  /** Whether this executor owns the tree `root`. */
  owns(root: string): boolean {
    return this.pending.has(root);
  }

  /** One round: time out old trees, then ask the spout for tuples if below max pending. Returns tuples emitted. */
  async step(): Promise<number> {
    await this.checkTimeouts();
    if (this.byMessage.size >= this.maxPending || this.env.backpressure?.blocked(this.definition.id)) return 0;
    let emitted = 0;
    await this.serial(async () => {
      const before = this.emits;
      try {
        await this.spout.nextTuple();
      } finally {
        this.closeBatch();
      }
      emitted = this.emits - before;
    });
    await this.flush();
    if (this.immediate.length > 0) await this.complete(this.immediate.splice(0));
    return emitted;
  }

  /** Applies completions reported by the acker (unknown roots are ignored). */
  async complete(completions: readonly Completion[]): Promise<void> {
    const done: { tree: PendingTree; completion: Completion }[] = [];
    const now = this.env.clock.monotonicMs();
    for (const c of completions) {
      const tree = this.pending.get(c.root);
      if (!tree) continue;
      this.forgetTree(c.root, tree);
      done.push({ tree, completion: c });
      const n = tree.messageIds.length;
      if (c.ok) {
        this.metrics.count('acked', n);
        for (let i = 0; i < n; i += 1) this.metrics.latency('completeLatency', now - tree.startedAt);
      } else this.metrics.count('failed', n);
    }
    if (done.length === 0) return;
    // One turn of the spout for the whole batch, in completion order.
    await this.serial(async () => {
      for (const { tree, completion: c } of done) {
        for (const messageId of tree.messageIds) {
          const settled = c.ok ? this.spout.ack(messageId) : this.spout.fail(messageId, failureOf(messageId, tree, c.failure));
          if (settled instanceof Promise) await settled;
        }
      }
    });
  }

  /** Fails trees older than the message timeout. */
  async checkTimeouts(): Promise<void> {
    const now = this.env.clock.monotonicMs();
    const expired: [string, PendingTree][] = [];
    for (const entry of this.pending) {
      // Insertion order is emission order: the first young tree ends the scan.
      if (now - entry[1].startedAt < this.env.messageTimeoutMs) break;
      expired.push(entry);
    }
    if (expired.length === 0) return;
    for (const [root, tree] of expired) this.forgetTree(root, tree);
    await this.env.acker.forget(expired.map(([root]) => root));
    for (const [, tree] of expired) {
      this.metrics.count('failed', tree.messageIds.length);
      this.log.warn({ messageId: tree.messageIds[0], messages: tree.messageIds.length, timeoutMs: this.env.messageTimeoutMs }, 'tuple tree timed out');
      await this.serial(async () => {
        for (const messageId of tree.messageIds) {
          const settled = this.spout.fail(messageId, new TupleTimeoutError(this.env.messageTimeoutMs));
          if (settled instanceof Promise) await settled;
        }
      });
    }
  }

  /** Closes the spout (stops fetching; commits what is complete). */
  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    await this.serial(() => this.spout.close());
  }

  private emit(output: Stream, values: Values, messages: readonly Origin[]): void {
    if (!this.definition.outputs.includes(output))
      throw new InvariantError('emit on a stream the spout does not declare in its outputs', { component: this.definition.id, stream: output.id });
    const stream = output.id;
    const targets = this.env.router.route(this.definition.id, stream, values);
    this.metrics.count('emitted', 1, stream);
    this.emits += 1;
    if (messages.length === 0) {
      for (const t of targets)
        this.outgoing.push({
          key: transferKey(t.component, t.task),
          tuple: { id: newTupleId(), stream, src: this.definition.id, srcTask: this.task, values, origins: [], roots: [] },
        });
      return;
    }
    for (const { messageId } of messages) this.abandonPrevious(messageId);
    // A record batch is a batch already: it gets a tree of its own.
    const { root, tree } = messages.length === 1 ? this.treeFor((messages[0] as Origin).attempt) : this.newTree();
    for (const { messageId } of messages) {
      tree.messageIds.push(messageId);
      this.byMessage.set(messageId, root);
    }
    this.metrics.setPending(this.byMessage.size);
    const origins = messages.length === 1 ? [messages[0] as Origin] : [...messages];
    for (const t of targets) {
      const id = newTupleId();
      tree.xor = tree.xor === undefined ? id : xorIds(tree.xor, id);
      this.outgoing.push({
        key: transferKey(t.component, t.task),
        tuple: { id, stream, src: this.definition.id, srcTask: this.task, values, origins, roots: [root] },
      });
    }
  }

  /**
   * Abandons the tree of `messageId` if one is pending: it was re-emitted (a Kafka rebalance
   * restarts from the committed offset, and the spout dropped every in-flight message), so the
   * old tree's late completion must find no pending root.
   */
  private abandonPrevious(messageId: string): void {
    const previous = this.byMessage.get(messageId);
    if (previous === undefined) return;
    if (previous === this.batch?.root) this.closeBatch();
    const tree = this.pending.get(previous);
    if (tree) this.forgetTree(previous, tree);
    this.abandoned.push(previous);
  }

  /** The tree a message of `attempt` joins: the open batch (first deliveries), or a new one. */
  private treeFor(attempt: number): { root: string; tree: PendingTree } {
    if (attempt === 1 && this.treeBatchSize > 1 && this.batch && this.batch.tree.messageIds.length < this.treeBatchSize) return this.batch;
    const entry = this.newTree();
    if (attempt === 1 && this.treeBatchSize > 1) this.batch = entry;
    return entry;
  }

  /** A new tree, registered with the acker at the next flush. */
  private newTree(): { root: string; tree: PendingTree } {
    const entry: { root: string; tree: PendingTree } = {
      root: newTupleId(),
      tree: { messageIds: [], startedAt: this.env.clock.monotonicMs(), xor: undefined },
    };
    this.pending.set(entry.root, entry.tree);
    this.inits.push(entry);
    return entry;
  }

  private closeBatch(): void {
    this.batch = undefined;
  }

  /** Registers new trees, then sends their tuples (a tuple never travels before its tree exists). */
  private async flush(): Promise<void> {
    this.closeBatch();
    if (this.abandoned.length > 0) await this.env.acker.forget(this.abandoned.splice(0)).catch(() => undefined);
    const inits: AckerInit[] = [];
    for (const { root, tree } of this.inits.splice(0)) {
      if (this.pending.get(root) !== tree) continue; // abandoned before it was registered
      // A tree none of whose tuples has a target is complete at once.
      if (tree.xor === undefined) this.immediate.push({ root, ok: true });
      else inits.push({ root, owner: this.env.workerId, xor: tree.xor });
    }
    if (inits.length > 0) {
      try {
        await this.env.acker.init(inits);
      } catch (err) {
        // Not sent, so never executed: the trees time out and the spout replays them.
        this.outgoing.length = 0;
        this.log.error({ err }, 'acker init failed; tuples will replay after the timeout');
        return;
      }
    }
    if (this.outgoing.length === 0) return;
    for (const { key, tuple } of this.outgoing.splice(0)) {
      this.env.transfer.add(key, tuple);
      this.metrics.count('transferred', 1, tuple.stream);
    }
  }

  private forgetTree(root: string, tree: PendingTree): void {
    this.pending.delete(root);
    for (const messageId of tree.messageIds) if (this.byMessage.get(messageId) === root) this.byMessage.delete(messageId);
    this.metrics.setPending(this.byMessage.size);
  }

  private serial<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

/**
 * What the spout is told about `messageId` of a failed tree: the failure, unless it is not
 * retriable and did not come from this message (then the message only shared a batch tree with
 * the bad one, and replays at once).
 */
function failureOf(messageId: string, tree: PendingTree, failure: FailureInfo): Error {
  if (failure.retriable || tree.messageIds.length === 1 || failure.messageIds?.includes(messageId)) return new TupleFailedError(failure);
  return new TreeAbortedError(failure);
}
