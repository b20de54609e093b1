import type { Names } from '../../contracts/names.js';
import {
  type Bolt,
  InvariantError,
  NonRetriableError,
  type OutputCollector,
  RetriableError,
  TICK_STREAM,
  type TopologyContext,
  type Tuple,
} from '../../runtime/index.js';
import type { BulkItem, BulkOutcome, BulkWriter } from '../es/bulk-writer.js';
import { DOCUMENTS } from '../streams.js';

/** Options of a `BulkIndexBolt`. */
export interface BulkIndexBoltOptions {
  writer: Pick<BulkWriter, 'write'>;
  indices: Names['indices'];
  /** Documents per bulk request (a full buffer is sent at once; a partial one on the next tick). */
  batchSize: number;
  /** Bulk requests in flight per task before `execute` waits (default 2). */
  maxConcurrent?: number;
}

/**
 * Writes `DOCUMENTS` tuples (`IndexRequest`s) to Elasticsearch in bulk and acks each tuple only after
 * Elasticsearch confirmed its write: 200/201 written, 409 already there at the same or a newer
 * version (a replay or a newer render). 429/5xx/no answer are retried by the writer with backoff;
 * if they persist the tuple fails with a `RetriableError` and its spout record replays. A document
 * Elasticsearch rejects as invalid fails with a `NonRetriableError`: the record is dead-lettered.
 * Ticks send a partial buffer.
 */
export class BulkIndexBolt implements Bolt {
  private collector: OutputCollector | undefined;
  private context: TopologyContext | undefined;
  private buffer: { tuple: Tuple; item: BulkItem }[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: BulkIndexBoltOptions) {}

  prepare(context: TopologyContext, collector: OutputCollector): void {
    this.context = context;
    this.collector = collector;
  }

  async execute(tuple: Tuple): Promise<void> {
    if (tuple.stream === TICK_STREAM) {
      if (this.buffer.length > 0) await this.send();
      return;
    }
    const { index, id, version, doc } = DOCUMENTS.of(tuple);
    this.buffer.push({ tuple, item: { index: this.options.indices[index as keyof Names['indices']], id, version, doc } });
    if (this.buffer.length >= this.options.batchSize) await this.send();
  }

  async cleanup(): Promise<void> {
    if (this.buffer.length > 0) await this.send();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Starts a bulk request for the buffer; waits first while too many are in flight. */
  private async send(): Promise<void> {
    while (this.inFlight.size >= (this.options.maxConcurrent ?? 2)) await Promise.race(this.inFlight);
    const batch = this.buffer;
    this.buffer = [];
    const p = this.options.writer
      .write(batch.map((b) => b.item))
      .then((outcomes) => batch.forEach((b, i) => this.settle(b.tuple, b.item, outcomes[i])))
      .catch((err: unknown) => {
        for (const b of batch) this.requireCollector().fail(b.tuple, new RetriableError('bulk write failed', { cause: err }));
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private settle(tuple: Tuple, item: BulkItem, outcome: BulkOutcome | undefined): void {
    const collector = this.requireCollector();
    if (outcome === undefined || outcome.kind === 'unavailable') {
      collector.fail(tuple, new RetriableError(`elasticsearch unavailable for ${item.index}/${item.id}: ${outcome?.reason ?? 'no outcome'}`));
    } else if (outcome.kind === 'rejected') {
      this.context?.log.error({ index: item.index, id: item.id, status: outcome.status, reason: outcome.reason }, 'document rejected by elasticsearch');
      collector.fail(tuple, new NonRetriableError(`elasticsearch rejected ${item.index}/${item.id}: ${outcome.reason}`));
    } else {
      collector.ack(tuple);
    }
  }

  private requireCollector(): OutputCollector {
    if (this.collector === undefined) throw new InvariantError('bolt used before prepare');
    return this.collector;
  }
}
