import type { Bolt, OutputCollector, Tuple } from '../../pipeline/runtime/index.js';

/** A rich bolt that keeps its inputs until the test acks them, so that their trees stay open (one task). */
export class HoldingBolt implements Bolt {
  /** Inputs received and not yet acked, in arrival order. */
  readonly held: Tuple[] = [];
  private collector: OutputCollector | undefined;

  prepare(_context: unknown, collector: OutputCollector): void {
    this.collector = collector;
  }

  execute(tuple: Tuple): void {
    this.held.push(tuple);
  }

  /** Acks the first `count` held inputs (default: all). */
  ack(count = this.held.length): void {
    for (const t of this.held.splice(0, count)) this.collector?.ack(t);
  }
}
