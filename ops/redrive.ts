import type { z } from 'zod';
import { BlockEventSchema } from '../pipeline/contracts/block-event.js';
import { decodeJson } from '../pipeline/contracts/envelope.js';
import { type Names, RAW_FEEDS, type RawFeed } from '../pipeline/contracts/names.js';
import { PriceEventSchema } from '../pipeline/contracts/price-event.js';
import { TransactionEventSchema } from '../pipeline/contracts/transaction-event.js';
import { SchemaError } from '../pipeline/runtime/index.js';
import type { OutgoingRecord, RecordSink } from '../producers/event-publisher.js';
import type { StoredLetter } from './dead-letters.js';

/** The schema the topology validates each raw topic's records with (its validate bolts). */
const RAW_SCHEMAS: Readonly<Record<RawFeed, { name: string; schema: z.ZodType<unknown> }>> = {
  blocks: { name: 'block event', schema: BlockEventSchema },
  transactions: { name: 'transaction event', schema: TransactionEventSchema },
  prices: { name: 'price event', schema: PriceEventSchema },
};

/** What a redrive would do with one letter. */
export type RedriveCheck =
  | { kind: 'valid'; feed: RawFeed; record: OutgoingRecord }
  /** Text that the topology would dead-letter again at once (sent only with `force`). */
  | { kind: 'invalid'; feed: RawFeed; record: OutgoingRecord; problem: string }
  /** Never sent: no value, a value that is not text, or an origin that is not a raw topic of the namespace. */
  | { kind: 'unsendable'; problem: string };

/** Checks a letter's original value against its origin raw topic's schema. */
export function checkLetter(n: Names, stored: StoredLetter): RedriveCheck {
  const { letter } = stored;
  const feed = RAW_FEEDS.find((f) => n.topics[f] === letter.origin.topic);
  if (feed === undefined) return { kind: 'unsendable', problem: `origin ${letter.origin.topic} is not a raw topic of namespace ${n.namespace}` };
  if (letter.value === null) return { kind: 'unsendable', problem: 'no value' };
  if (letter.value_encoding !== 'utf8') return { kind: 'unsendable', problem: 'value is not UTF-8 text' };
  const record = { key: letter.origin.key, value: letter.value };
  const { name, schema } = RAW_SCHEMAS[feed];
  try {
    decodeJson(name, schema, letter.value);
    return { kind: 'valid', feed, record };
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
    return { kind: 'invalid', feed, record, problem: err.message };
  }
}

/** Letters chosen for a redrive, sorted by what would happen to them. */
export class RedrivePlan {
  readonly valid: { stored: StoredLetter; feed: RawFeed; record: OutgoingRecord }[] = [];
  readonly invalid: { stored: StoredLetter; feed: RawFeed; record: OutgoingRecord; problem: string }[] = [];
  readonly unsendable: { stored: StoredLetter; problem: string }[] = [];

  constructor(private readonly n: Names) {}

  add(stored: StoredLetter): void {
    const check = checkLetter(this.n, stored);
    if (check.kind === 'valid') this.valid.push({ stored, feed: check.feed, record: check.record });
    else if (check.kind === 'invalid') this.invalid.push({ stored, feed: check.feed, record: check.record, problem: check.problem });
    else this.unsendable.push({ stored, problem: check.problem });
  }
}

/** Records republished per raw topic. */
export type RedriveResult = Record<string, number>;

/**
 * Republishes the plan's valid letters (and, with `force`, the invalid ones) to their origin raw
 * topics, with their original key and value, in batches of `batchSize` (default 500) through
 * `sink` (an idempotent producer, acks from every in-sync replica). The topology counts each fact
 * once, so a record that was already counted changes nothing.
 */
export async function redrive(sink: RecordSink, n: Names, plan: RedrivePlan, options: { force?: boolean; batchSize?: number } = {}): Promise<RedriveResult> {
  const chosen = options.force === true ? [...plan.valid, ...plan.invalid] : plan.valid;
  const result: RedriveResult = {};
  for (const feed of RAW_FEEDS) {
    const topic = n.topics[feed];
    const records = chosen.filter((c) => c.feed === feed).map((c) => c.record);
    const size = options.batchSize ?? 500;
    for (let i = 0; i < records.length; i += size) await sink.send(topic, records.slice(i, i + size));
    if (records.length > 0) result[topic] = records.length;
  }
  return result;
}
