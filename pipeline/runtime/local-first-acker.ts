import type { AckerInit, AckerStore, AckerUpdate, Completion } from './acker-store.js';
import { AckerTable } from './acker-table.js';
import type { FailureInfo } from './tuple-failure.js';

/**
 * The acker of one worker: a tree lives in this worker's memory while all its tuples stay in the
 * worker (operator chaining keeps the transaction path in process), and moves to the shared store
 * (Redis) just before one of its tuples leaves the worker (`promote`, awaited before the tuple is
 * sent). From then on every update of that root, from any worker, goes to the shared store; a
 * root this worker does not hold is always the shared store's.
 *
 * Why nothing is weakened: the XOR of a tree is the same wherever it is kept, and a tree is only
 * ever in one place. A local tree's spout is in this process, so if the process dies the tree and
 * its spout die together: nothing was committed, the records' offsets are not, and the partition's
 * next owner replays them (as when a Redis-kept tree of a dead worker times out). Updates of a
 * root being promoted wait until its shared entry exists, so none is dropped as "unknown".
 */
export class LocalFirstAcker implements AckerStore {
  private readonly local = new AckerTable();
  /** Settles when every promotion started so far is in the shared store (or failed). */
  private promoted: Promise<void> = Promise.resolve();

  constructor(private readonly shared: AckerStore) {}

  /** Trees held in memory. */
  get localSize(): number {
    return this.local.size;
  }

  async init(entries: readonly AckerInit[]): Promise<void> {
    this.local.initSync(entries);
  }

  async ack(updates: readonly AckerUpdate[]): Promise<void> {
    const shared: AckerUpdate[] = [];
    for (const u of updates) {
      if (this.local.has(u.root)) this.local.ackSync([u]);
      else shared.push(u);
    }
    if (shared.length === 0) return;
    await this.promoted;
    await this.shared.ack(shared);
  }

  async fail(roots: readonly string[], failure: FailureInfo): Promise<void> {
    const shared = this.split(roots);
    await this.local.fail(roots, failure);
    if (shared.length === 0) return;
    await this.promoted;
    await this.shared.fail(shared, failure);
  }

  async forget(roots: readonly string[]): Promise<void> {
    const shared = this.split(roots);
    await this.local.forget(roots);
    if (shared.length > 0) await this.shared.forget(shared);
  }

  async takeCompletions(owner: string, max: number): Promise<Completion[]> {
    const local = await this.local.takeCompletions(owner, max);
    if (local.length >= max) return local;
    const shared = await this.shared.takeCompletions(owner, max - local.length);
    return local.length === 0 ? shared : [...local, ...shared];
  }

  /**
   * Moves the local trees among `roots` to the shared store; resolves once they are there (and
   * once earlier promotions are), so a tuple sent after it can be acked anywhere. If the shared
   * store refuses them, the trees are lost to both and time out at their spout, which replays them.
   */
  promote(roots: Iterable<string>): Promise<void> {
    const entries: AckerInit[] = [];
    for (const root of roots) {
      const tree = this.local.take(root);
      if (tree !== undefined) entries.push({ root, owner: tree.owner, xor: tree.xor });
    }
    if (entries.length === 0) return this.promoted;
    const done = this.promoted.then(() => this.shared.init(entries));
    this.promoted = done.catch(() => undefined);
    return done;
  }

  /** The roots of `roots` that are not held here. */
  private split(roots: readonly string[]): string[] {
    return roots.filter((r) => !this.local.has(r));
  }
}
