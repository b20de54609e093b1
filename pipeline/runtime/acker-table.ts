import type { AckerInit, AckerStore, AckerUpdate, Completion } from './acker-store.js';
import type { FailureInfo } from './tuple-failure.js';
import { xorIds, ZERO_ID } from './tuple-id.js';

/**
 * The XOR acker in memory: the reference implementation of `AckerStore` (the Redis store runs the
 * same steps in Lua). Used by local mode and unit tests.
 */
export class AckerTable implements AckerStore {
  private readonly trees = new Map<string, { owner: string; xor: string }>();
  private readonly reports = new Map<string, Completion[]>();

  async init(entries: readonly AckerInit[]): Promise<void> {
    this.initSync(entries);
  }

  async ack(updates: readonly AckerUpdate[]): Promise<void> {
    this.ackSync(updates);
  }

  async fail(roots: readonly string[], failure: FailureInfo): Promise<void> {
    for (const root of roots) {
      const tree = this.trees.get(root);
      if (!tree) continue;
      this.trees.delete(root);
      this.report(tree.owner, { root, ok: false, failure });
    }
  }

  async forget(roots: readonly string[]): Promise<void> {
    for (const root of roots) this.trees.delete(root);
  }

  async takeCompletions(owner: string, max: number): Promise<Completion[]> {
    const list = this.reports.get(owner);
    if (!list || list.length === 0) return [];
    return list.splice(0, max);
  }

  /** Synchronous `init`. */
  initSync(entries: readonly AckerInit[]): void {
    for (const e of entries) this.trees.set(e.root, { owner: e.owner, xor: e.xor });
  }

  /** Synchronous `ack`. */
  ackSync(updates: readonly AckerUpdate[]): void {
    for (const u of updates) {
      const tree = this.trees.get(u.root);
      if (!tree) continue;
      tree.xor = xorIds(tree.xor, u.xor);
      if (tree.xor === ZERO_ID) {
        this.trees.delete(u.root);
        this.report(tree.owner, { root: u.root, ok: true });
      }
    }
  }

  /** Trees not yet complete. */
  get size(): number {
    return this.trees.size;
  }

  private report(owner: string, completion: Completion): void {
    const list = this.reports.get(owner);
    if (list) list.push(completion);
    else this.reports.set(owner, [completion]);
  }
}
