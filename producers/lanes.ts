/**
 * Runs work on a fixed set of lanes, one piece of work in flight on each; `dispatch` waits for a
 * free lane. The first failure is thrown by the next `dispatch` or by `drain`.
 */
export class Lanes<L> {
  private readonly busy = new Map<number, Promise<number>>();
  private failure: { error: unknown } | null = null;

  constructor(private readonly lanes: readonly L[]) {
    if (lanes.length === 0) throw new RangeError('Lanes needs at least one lane');
  }

  /** Starts `work` on the first free lane once there is one; resolves when it has started. */
  async dispatch(work: (lane: L) => Promise<void>): Promise<void> {
    const index = await this.freeLane();
    const running = work(this.lanes[index] as L).then(
      () => index,
      (error: unknown) => {
        this.failure ??= { error };
        return index;
      },
    );
    this.busy.set(index, running);
  }

  /** Waits for all work in flight; throws the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.busy.values());
    this.busy.clear();
    this.throwFailure();
  }

  private async freeLane(): Promise<number> {
    this.throwFailure();
    for (let i = 0; i < this.lanes.length; i++) if (!this.busy.has(i)) return i;
    const index = await Promise.race(this.busy.values());
    this.busy.delete(index);
    this.throwFailure();
    return index;
  }

  private throwFailure(): void {
    if (this.failure) throw this.failure.error;
  }
}
