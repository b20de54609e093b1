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
import type { IndexRequest } from '../../contracts/topology-streams.js';
import { DOCUMENT_BATCHES, DOCUMENTS, type DocumentBatch } from '../streams.js';

/** Options of a `BulkIndexBolt`. */
export interface BulkIndexBoltOptions {
  writer: Pick<BulkWriter, 'write'>;
  indices: Names['indices'];
  /** Documents per bulk request (a full buffer is sent at once; a partial one on the next tick). */
  batchSize: number;
  /** Bulk requests in flight per task before `execute` waits (default 2). */
  maxConcurrent?: number;
  /**
   * How long a partial buffer may wait, from its first document, while a bulk request of this
   * task is in flight (default 0: every tick sends it). A tick with no request in flight sends it
   * at once, so this only delays documents while Elasticsearch is busy, when fuller bulks cost it
   * less.
   */
  busyLingerMs?: number;
}

/** A buffered tuple and its documents' writes (each with the spout message it derives from, for a batch). */
interface Entry {
  tuple: Tuple;
  items: BulkItem[];
  /** Per item, for a `DOCUMENT_BATCHES` tuple: the spout message of its record. */
  messageIds?: string[];
}

/**
 * Writes `DOCUMENTS` tuples (an `IndexRequest` each) and `DOCUMENT_BATCHES` tuples (a record
 * batch's documents) to Elasticsearch in bulk, and acks each tuple only after Elasticsearch
 * confirmed all of its writes: 200/201 written, 409 already there at the same or a newer version
 * (a replay or a newer render). A tuple's documents go in one bulk request. 429/5xx/no answer are
 * retried by the writer with backoff; if they persist the tuple fails with a `RetriableError` and
 * its spout records replay. A document Elasticsearch rejects as invalid fails its tuple with a
 * `NonRetriableError` naming that document's record: the record is dead-lettered (its batch's
 * siblings replay). A tick sends a partial buffer, unless a request of this task is still in flight
 * and the buffer is younger than `busyLingerMs`: while Elasticsearch is busy, bulks fill up.
 */
export class BulkIndexBolt implements Bolt {
  private collector: OutputCollector | undefined;
  private context: TopologyContext | undefined;
  private buffer: Entry[] = [];
  /** Documents in `buffer`. */
  private buffered = 0;
  /** When the first entry of `buffer` came (monotonic ms). */
  private bufferedSince = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: BulkIndexBoltOptions) {}

  prepare(context: TopologyContext, collector: OutputCollector): void {
    this.context = context;
    this.collector = collector;
  }

  async execute(tuple: Tuple): Promise<void> {
    if (tuple.stream === TICK_STREAM) {
      if (this.buffer.length > 0 && this.lingerOver()) await this.send();
      return;
    }
    const entry = DOCUMENT_BATCHES.is(tuple) ? this.batchEntry(tuple) : { tuple, items: [this.item(DOCUMENTS.of(tuple))] };
    if (this.buffer.length === 0 && this.busyLingerMs > 0) this.bufferedSince = this.now();
    this.buffer.push(entry);
    this.buffered += entry.items.length;
    if (this.buffered >= this.options.batchSize) await this.send();
  }

  async cleanup(): Promise<void> {
    if (this.buffer.length > 0) await this.send();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Whether a tick sends the partial buffer: no request of this task is in flight, or it waited `busyLingerMs`. */
  private lingerOver(): boolean {
    return this.busyLingerMs === 0 || this.inFlight.size === 0 || this.now() - this.bufferedSince >= this.busyLingerMs;
  }

  private get busyLingerMs(): number {
    return this.options.busyLingerMs ?? 0;
  }

  private now(): number {
    if (this.context === undefined) throw new InvariantError('bolt used before prepare');
    return this.context.clock.monotonicMs();
  }

  private batchEntry(tuple: Tuple<DocumentBatch>): Entry {
    const { documents } = tuple.values;
    return { tuple, items: documents.map((d) => this.item(d)), messageIds: documents.map((d) => d.messageId) };
  }

  private item({ index, id, version, doc }: IndexRequest): BulkItem {
    return { index: this.options.indices[index as keyof Names['indices']], id, version, doc };
  }

  /** Starts a bulk request for the buffer; waits first while too many are in flight. */
  private async send(): Promise<void> {
    while (this.inFlight.size >= (this.options.maxConcurrent ?? 2)) await Promise.race(this.inFlight);
    const batch = this.buffer;
    this.buffer = [];
    this.buffered = 0;
    const p = this.options.writer
      .write(batch.flatMap((e) => e.items))
      .then((outcomes) => {
        let next = 0;
        for (const entry of batch) {
          this.settle(entry, outcomes.slice(next, next + entry.items.length));
          next += entry.items.length;
        }
      })
      .catch((err: unknown) => {
        for (const e of batch) this.requireCollector().fail(e.tuple, new RetriableError('bulk write failed', { cause: err }));
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Acks the tuple when every write of it is confirmed; fails it retriably if one is unavailable, else non-retriably if one was rejected. */
  private settle(entry: Entry, outcomes: readonly (BulkOutcome | undefined)[]): void {
    const collector = this.requireCollector();
    const rejected: { i: number; message: string }[] = [];
    for (const [i, item] of entry.items.entries()) {
      const outcome = outcomes[i];
      if (outcome === undefined || outcome.kind === 'unavailable') {
        collector.fail(entry.tuple, new RetriableError(`elasticsearch unavailable for ${item.index}/${item.id}: ${outcome?.reason ?? 'no outcome'}`));
        return;
      }
      if (outcome.kind === 'rejected') {
        this.context?.log.error({ index: item.index, id: item.id, status: outcome.status, reason: outcome.reason }, 'document rejected by elasticsearch');
        rejected.push({ i, message: `elasticsearch rejected ${item.index}/${item.id}: ${outcome.reason}` });
      }
    }
    const [first] = rejected;
    if (first === undefined) {
      collector.ack(entry.tuple);
      return;
    }
    const messageIds = entry.messageIds === undefined ? undefined : rejected.map(({ i }) => entry.messageIds?.[i] as string);
    collector.fail(entry.tuple, new NonRetriableError(first.message, { messageIds }));
  }

  private requireCollector(): OutputCollector {
    if (this.collector === undefined) throw new InvariantError('bolt used before prepare');
    return this.collector;
  }
}
