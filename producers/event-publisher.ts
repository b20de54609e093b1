import type { z } from 'zod';
import type { Logger } from 'pino';
import { BlockEventSchema } from '../pipeline/contracts/block-event.js';
import { parseWith } from '../pipeline/contracts/envelope.js';
import type { Names, RawFeed } from '../pipeline/contracts/names.js';
import { PriceEventSchema } from '../pipeline/contracts/price-event.js';
import { TransactionEventSchema } from '../pipeline/contracts/transaction-event.js';
import type { Clock } from '../pipeline/runtime/index.js';
import { DeadLetterSchema, type DeadLetter } from '../pipeline/runtime/index.js';
import { PipelineError, SchemaError } from '../pipeline/runtime/index.js';
import { canonicalJson } from './canonical-json.js';
import type { ProducerMetrics } from './producer-metrics.js';
import { RatePacer } from './rate-pacer.js';

/** One Kafka record as the publisher hands it to the sink. */
export interface OutgoingRecord {
  key: string | null;
  value: string;
}

/** Where records go: a Kafka producer in production, an array in unit tests. */
export interface RecordSink {
  /** Writes the records to `topic`, in order; resolves once the cluster has acknowledged them all. */
  send(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
}

interface FeedContract {
  schemaName: string;
  schema: z.ZodType<unknown>;
  keyOf(event: unknown): string;
}

const dataOf = (event: unknown) => (event as { data: Record<string, unknown> }).data;

/** Schema and record key of each raw topic (block hash, txid, pair). */
const CONTRACTS: Readonly<Record<RawFeed, FeedContract>> = {
  blocks: { schemaName: 'block event', schema: BlockEventSchema, keyOf: (e) => String(dataOf(e).hash) },
  transactions: { schemaName: 'transaction event', schema: TransactionEventSchema, keyOf: (e) => String(dataOf(e).txid) },
  prices: { schemaName: 'price event', schema: PriceEventSchema, keyOf: (e) => String(dataOf(e).pair) },
};

/** A feed response or event that failed before it could become a valid event. */
export interface Rejected {
  /** Key the record would have had, or a locator such as the request path. */
  key: string | null;
  /** The offending text (response body or serialised event). */
  value: string | null;
  reason: string;
  error: unknown;
}

/** Records per `sink.send` call unless told otherwise: a block's transactions in one or two calls. */
export const DEFAULT_BATCH_SIZE = 2_000;

/** Options of `EventPublisher`. */
export interface EventPublisherOptions {
  sink: RecordSink;
  names: Names;
  /** Component written into dead letters, e.g. `producer-blocks`. */
  component: string;
  clock: Clock;
  log: Logger;
  metrics: ProducerMetrics;
  /** Records per `sink.send` call; default 2,000 (a sink splits them into requests of bounded size). */
  batchSize?: number;
  /** Valid events per second at most (dead letters are not paced); default null: no limit. */
  ratePerSecond?: number | null;
}

/**
 * Validates events against their topic's schema, serialises them canonically and writes them
 * keyed per contract. Anything that does not validate goes to the topic's dead-letter topic with
 * the reason; nothing invalid reaches a raw topic.
 */
export class EventPublisher {
  private readonly batchSize: number;
  private readonly pacer: RatePacer;

  constructor(private readonly options: EventPublisherOptions) {
    this.pacer = new RatePacer(options.ratePerSecond ?? null, options.clock);
    this.batchSize = this.pacer.batchLimit(options.batchSize ?? DEFAULT_BATCH_SIZE);
  }

  /** Publishes `events` to the raw topic of `feed`; returns how many were valid and written. */
  async publish(feed: RawFeed, events: readonly unknown[]): Promise<number> {
    const contract = CONTRACTS[feed];
    const valid: OutgoingRecord[] = [];
    const rejected: Rejected[] = [];
    for (const event of events) {
      try {
        const parsed = parseWith(contract.schemaName, contract.schema, event);
        valid.push({ key: contract.keyOf(parsed), value: canonicalJson(parsed) });
      } catch (err) {
        if (!(err instanceof SchemaError)) throw err;
        rejected.push({ key: keyOrNull(contract, event), value: safeJson(event), reason: 'invalid event', error: err });
      }
    }
    if (rejected.length > 0) await this.deadLetter(feed, rejected);
    const topic = this.options.names.topics[feed];
    for (let i = 0; i < valid.length; i += this.batchSize) {
      const batch = valid.slice(i, i + this.batchSize);
      await this.pacer.take(batch.length);
      await this.options.sink.send(topic, batch);
      this.options.metrics.published.inc({ topic }, batch.length);
    }
    return valid.length;
  }

  /** Writes rejected feed data to the dead-letter topic of `feed`, logged once per record. */
  async deadLetter(feed: RawFeed, rejected: readonly Rejected[]): Promise<void> {
    const topic = this.options.names.deadLetter[feed];
    const records = rejected.map((r) => {
      const error = r.error instanceof Error ? r.error : new Error(String(r.error));
      const letter: DeadLetter = DeadLetterSchema.parse({
        kind: 'dead-letter',
        schema_version: 1,
        origin: { topic: this.options.names.topics[feed], partition: null, offset: null, key: r.key },
        value: r.value,
        value_encoding: 'utf8',
        reason: r.reason,
        error: { name: error.name, message: error.message, retriable: error instanceof PipelineError ? error.retriable : false },
        component: this.options.component,
        attempts: 1,
        time: new Date(this.options.clock.nowMs()).toISOString(),
      });
      this.options.log.warn({ err: error, topic, key: r.key, reason: r.reason }, 'feed data dead-lettered');
      this.options.metrics.deadLettered.inc({ topic, reason: r.reason });
      return { key: r.key, value: canonicalJson(letter) };
    });
    await this.options.sink.send(topic, records);
  }
}

function keyOrNull(contract: FeedContract, event: unknown): string | null {
  try {
    const key = contract.keyOf(event);
    return key === 'undefined' ? null : key;
  } catch {
    return null;
  }
}

function safeJson(value: unknown): string | null {
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}
