import type { BlockData, BlockEvent } from '../pipeline/contracts/block-event.js';
import type { PriceData, PriceEvent } from '../pipeline/contracts/price-event.js';
import type { ConfirmedTxData, TransactionEvent, UnconfirmedTxData } from '../pipeline/contracts/transaction-event.js';
import type { Clock } from '../pipeline/runtime/index.js';
import { SchemaError } from '../pipeline/runtime/index.js';
import type { DecodedBlock } from './block-decoder.js';

/** Who builds the events: written into every envelope. */
export interface EventBuilderOptions {
  /** Stable id of the producing program, e.g. `producer-blocks`, `replay`. */
  producerId: string;
  /** Where the data came from, e.g. `esplora`, `kraken`, `replay`. */
  source: string;
  /** Wall clock; only `ingest_time` reads it. */
  clock: Clock;
}

/** UTC ISO text of epoch milliseconds, independent of the process time zone. */
export function utcIso(ms: number): string {
  if (!Number.isFinite(ms)) throw new SchemaError('event time', [{ path: '', message: `not a finite time: ${ms}` }]);
  return new Date(ms).toISOString();
}

/**
 * Wraps feed data into versioned envelopes. Event time comes from the data (block header time,
 * the provider's price timestamp); only `ingest_time` comes from the clock, so the same fact
 * always gives the same event apart from that field.
 */
export class EventBuilder {
  constructor(private readonly options: EventBuilderOptions) {}

  private envelope<K extends string, D, const V extends number = 1>(kind: K, eventTimeMs: number, data: D, version?: V) {
    return {
      kind,
      schema_version: (version ?? 1) as V,
      source: this.options.source,
      event_time: utcIso(eventTimeMs),
      event_time_ms: eventTimeMs,
      ingest_time: utcIso(this.options.clock.nowMs()),
      producer_id: this.options.producerId,
      data,
    };
  }

  /** The block event of a block (event time: header time): schema version 2 when it has `bits`, else 1. */
  block(data: BlockData): BlockEvent {
    if (data.bits === undefined) return this.envelope('block', data.time * 1000, data, 1);
    return this.envelope('block', data.time * 1000, { ...data, bits: data.bits }, 2);
  }

  /** A confirmed transaction (event time: its block's header time). */
  confirmedTransaction(data: ConfirmedTxData): TransactionEvent {
    return this.envelope('transaction', data.block_time * 1000, data);
  }

  /** The block event followed by one event per transaction, in block order. */
  blockEvents(decoded: DecodedBlock): { block: BlockEvent; transactions: TransactionEvent[] } {
    return { block: this.block(decoded.block), transactions: decoded.transactions.map((t) => this.confirmedTransaction(t)) };
  }

  /**
   * An unconfirmed transaction. The mempool feed carries no time of its own, so its event time is
   * when this producer first saw it (`firstSeenMs`).
   */
  unconfirmedTransaction(data: UnconfirmedTxData, firstSeenMs: number): TransactionEvent {
    return this.envelope('transaction', firstSeenMs, data);
  }

  /** A price point (event time: the provider's timestamp). */
  price(data: PriceData): PriceEvent {
    return this.envelope('price', data.time * 1000, data);
  }
}
