import type { Logger } from 'pino';
import type { AckerInit, Completion } from './acker-store.js';
import { InvariantError } from './errors.js';
import { transferKey, type ExecutorEnv } from './executor-env.js';
import type { TaskMetrics } from './metrics.js';
import type { SpoutDefinition } from './topology-definition.js';
import { TupleFailedError, TupleTimeoutError } from './tuple-failure.js';
import { newTupleId, xorIds } from './tuple-id.js';
import type { Spout, Stream, Values } from './types.js';
import type { WireTuple } from './wire-tuple.js';

interface PendingTree {
  messageId: string;
  startedAt: number;
}

/**
 * Runs one spout task. `step()` calls `nextTuple` when fewer than max-pending trees are in flight,
 * registers the new trees with the acker and only then sends their tuples. Completions from the
 * acker become `spout.ack`/`spout.fail`; a tree older than the message timeout (monotonic clock)
 * is forgotten in the acker, so late acks are ignored, and failed with a `TupleTimeoutError`.
 * Spout methods are called one at a time.
 */
export class SpoutExecutor {
  private readonly spout: Spout;
  private readonly pending = new Map<string, PendingTree>();
  private readonly byMessage = new Map<string, string>();
  private readonly inits: AckerInit[] = [];
  private readonly outgoing: { key: string; tuple: WireTuple }[] = [];
  private readonly immediate: Completion[] = [];
  private readonly abandoned: string[] = [];
  private readonly metrics: TaskMetrics;
  private readonly log: Logger;
  private readonly maxPending: number;
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
        emit: (stream, values, options = {}) => this.emit(stream, values, options.messageId, options.attempt ?? 1),
        reportError: (err) => {
          this.log.error({ err }, 'spout error');
          this.metrics.count('failed');
        },
      },
    );
    this.opened = true;
  }

  /** Trees in flight. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Whether this executor owns the tree `root`. */
  owns(root: string): boolean {
    return this.pending.has(root);
  }

  /** One round: time out old trees, then ask the spout for tuples if below max pending. Returns tuples emitted. */
  async step(): Promise<number> {
    await this.checkTimeouts();
    if (this.pending.size >= this.maxPending) return 0;
    let emitted = 0;
    await this.serial(async () => {
      const before = this.outgoing.length + this.immediate.length;
      await this.spout.nextTuple();
      emitted = this.outgoing.length + this.immediate.length - before;
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
      if (c.ok) {
        this.metrics.count('acked');
        this.metrics.latency('completeLatency', now - tree.startedAt);
      } else this.metrics.count('failed');
    }
    if (done.length === 0) return;
    // One turn of the spout for the whole batch, in completion order.
    await this.serial(async () => {
      for (const { tree, completion: c } of done) {
        const settled = c.ok ? this.spout.ack(tree.messageId) : this.spout.fail(tree.messageId, new TupleFailedError(c.failure));
        if (settled instanceof Promise) await settled;
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
      this.metrics.count('failed');
      this.log.warn({ messageId: tree.messageId, timeoutMs: this.env.messageTimeoutMs }, 'tuple tree timed out');
      await this.serial(async () => this.spout.fail(tree.messageId, new TupleTimeoutError(this.env.messageTimeoutMs)));
    }
  }

  /** Closes the spout (stops fetching; commits what is complete). */
  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    await this.serial(() => this.spout.close());
  }

  private emit(output: Stream, values: Values, messageId: string | undefined, attempt: number): void {
    if (!this.definition.outputs.includes(output))
      throw new InvariantError('emit on a stream the spout does not declare in its outputs', { component: this.definition.id, stream: output.id });
    const stream = output.id;
    const targets = this.env.router.route(this.definition.id, stream, values);
    this.metrics.count('emitted', 1, stream);
    if (messageId === undefined) {
      for (const t of targets)
        this.outgoing.push({
          key: transferKey(t.component, t.task),
          tuple: { id: newTupleId(), stream, src: this.definition.id, srcTask: this.task, values, origins: [], roots: [] },
        });
      return;
    }
    const previous = this.byMessage.get(messageId);
    if (previous !== undefined) {
      // Re-emitted while an older tree is pending (a Kafka rebalance restarts from the committed
      // offset): the old tree is abandoned; its late completion finds no pending root.
      const tree = this.pending.get(previous);
      if (tree) this.forgetTree(previous, tree);
      this.abandoned.push(previous);
    }
    const root = newTupleId();
    const origins = [{ messageId, attempt }];
    this.pending.set(root, { messageId, startedAt: this.env.clock.monotonicMs() });
    this.byMessage.set(messageId, root);
    this.metrics.setPending(this.pending.size);
    if (targets.length === 0) {
      this.immediate.push({ root, ok: true });
      return;
    }
    let xor: string | undefined;
    for (const t of targets) {
      const id = newTupleId();
      xor = xor === undefined ? id : xorIds(xor, id);
      this.outgoing.push({
        key: transferKey(t.component, t.task),
        tuple: { id, stream, src: this.definition.id, srcTask: this.task, values, origins, roots: [root] },
      });
    }
    this.inits.push({ root, owner: this.env.workerId, xor: xor as string });
  }

  /** Registers new trees, then sends their tuples (a tuple never travels before its tree exists). */
  private async flush(): Promise<void> {
    if (this.abandoned.length > 0) await this.env.acker.forget(this.abandoned.splice(0)).catch(() => undefined);
    if (this.inits.length > 0) {
      try {
        await this.env.acker.init(this.inits.splice(0));
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
    this.byMessage.delete(tree.messageId);
    this.metrics.setPending(this.pending.size);
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
