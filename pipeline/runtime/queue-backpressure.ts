import type { Topology } from './topology-definition.js';

/**
 * Storm's backpressure for a worker's in-process task queues (operator chaining). It counts, per
 * bolt, the tuples handed to its local tasks and not yet executed; a bolt is full from the moment
 * they reach `highWater` until they fall to half of it. A component whose downstream bolt is full
 * is blocked: a spout emits nothing (replays included) and a bolt executes nothing until it clears.
 * A bolt that emits nothing is never blocked, and the topology is a DAG, so the queues always
 * drain and the blocks lift by themselves.
 *
 * Max spout pending alone does not bound these queues. A record may fan out to thousands of tuples
 * (a new price renders every transaction of its blocks again), and when a tree fails or times out
 * its records leave pending and replay while its other tuples still wait for a slow task (an index
 * bolt whose sink is down): each replay queues another copy behind them.
 */
export class QueueBackpressure {
  private readonly queued = new Map<string, number>();
  private readonly full = new Set<string>();
  private readonly downstream = new Map<string, readonly string[]>();
  private waiters: (() => void)[] = [];
  private total = 0;

  constructor(
    topology: Topology,
    private readonly highWater: number,
  ) {
    for (const bolt of topology.bolts.values()) {
      for (const source of new Set(bolt.subscriptions.map((s) => s.source))) this.downstream.set(source, [...(this.downstream.get(source) ?? []), bolt.id]);
    }
  }

  /** `n` tuples were queued for a local task of `bolt`. */
  hold(bolt: string, n: number): void {
    const queued = (this.queued.get(bolt) ?? 0) + n;
    this.queued.set(bolt, queued);
    this.total += n;
    if (queued >= this.highWater) this.full.add(bolt);
  }

  /** `n` tuples left a local queue of `bolt` (executed, or sent on to another worker). */
  release(bolt: string, n: number): void {
    const queued = (this.queued.get(bolt) ?? 0) - n;
    this.queued.set(bolt, queued);
    this.total -= n;
    if (queued <= this.highWater / 2 && this.full.delete(bolt)) for (const wake of this.waiters.splice(0)) wake();
  }

  /** Whether `component` must wait: one of the bolts it emits to is full. */
  blocked(component: string): boolean {
    if (this.full.size === 0) return false;
    for (const bolt of this.downstream.get(component) ?? []) if (this.full.has(bolt)) return true;
    return false;
  }

  /** Calls `wake` once, when the next full bolt clears (a waiter then checks `blocked` again). */
  onClear(wake: () => void): void {
    this.waiters.push(wake);
  }

  /** Whether some bolt is full. */
  get active(): boolean {
    return this.full.size > 0;
  }

  /** Tuples in the local task queues. */
  get queuedTuples(): number {
    return this.total;
  }
}
