import type { Clock } from './clock.js';

/**
 * Groups items per key and hands a group to `send` when it reaches `batchSize` or has waited
 * `lingerMs`. `flush()` sends everything buffered and resolves when every send has finished.
 */
export class Batcher<T> {
  private readonly groups = new Map<string, { items: T[]; cancel?: () => void }>();
  private readonly sending = new Set<Promise<void>>();
  private firstError: unknown;

  constructor(
    private readonly options: {
      batchSize: number;
      lingerMs: number;
      clock: Clock;
      send: (key: string, items: T[]) => Promise<void>;
      /** Receives errors of sends started by the linger timer or the size limit; without it they are rethrown by the next `flush()`. */
      onError?: (err: unknown) => void;
    },
  ) {}

  add(key: string, item: T): void {
    let group = this.groups.get(key);
    if (!group) {
      group = { items: [] };
      this.groups.set(key, group);
    }
    group.items.push(item);
    if (group.items.length >= this.options.batchSize) this.sendGroup(key);
    else if (!group.cancel) group.cancel = this.options.clock.setTimer(this.options.lingerMs, () => this.sendGroup(key));
  }

  /**
   * Sends every buffered group and waits for the sends in progress at this moment (not for sends
   * started later by others, which could keep a busy batcher waiting forever); rethrows the first
   * send error.
   */
  async flush(): Promise<void> {
    for (const key of [...this.groups.keys()]) this.sendGroup(key);
    await Promise.allSettled([...this.sending]);
    if (this.firstError !== undefined) {
      const err = this.firstError;
      this.firstError = undefined;
      throw err;
    }
  }

  /** Items buffered and not yet handed to `send`. */
  get buffered(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.items.length;
    return n;
  }

  private sendGroup(key: string): void {
    const group = this.groups.get(key);
    if (!group) return;
    this.groups.delete(key);
    group.cancel?.();
    const p = this.options
      .send(key, group.items)
      .catch((err: unknown) => {
        if (this.options.onError) this.options.onError(err);
        else if (this.firstError === undefined) this.firstError = err;
      })
      .finally(() => this.sending.delete(p));
    this.sending.add(p);
  }
}
