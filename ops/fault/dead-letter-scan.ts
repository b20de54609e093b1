import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { type Names, RAW_FEEDS, type RawFeed } from '../../pipeline/contracts/names.js';
import { DeadLetterSchema } from '../../pipeline/runtime/index.js';
import { parseRawRecord } from '../raw-contracts.js';
import { readTopicsToEnd } from '../raw-topic-reader.js';

/** One dead letter, as a fault verdict needs it. */
export interface LetterSummary {
  feed: RawFeed;
  key: string | null;
  reason: string;
  error: string;
  component: string;
  /** Whether the original record is a valid event of its raw topic (then it should never have been dead-lettered). */
  validRecord: boolean;
}

/**
 * Reads every dead-letter topic of the namespace to its end and checks each letter's original
 * record against its raw topic's contract: a valid record in a dead-letter topic is a result lost.
 * A letter that does not parse as a dead letter counts as carrying no reason.
 */
export async function scanDeadLetters(kafka: Kafka, n: Names, log: Logger, deadlineMs: number): Promise<LetterSummary[]> {
  const feedOf = new Map(RAW_FEEDS.map((f) => [n.deadLetter[f], f]));
  const out: LetterSummary[] = [];
  await readTopicsToEnd(
    kafka,
    RAW_FEEDS.map((f) => n.deadLetter[f]),
    (records) => {
      for (const r of records) {
        const feed = feedOf.get(r.topic) as RawFeed;
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(r.value?.toString('utf8') ?? 'null');
        } catch {
          parsed = null;
        }
        const letter = DeadLetterSchema.safeParse(parsed);
        if (!letter.success) {
          out.push({ feed, key: r.key, reason: '', error: 'not a dead letter', component: '', validRecord: false });
          continue;
        }
        const l = letter.data;
        const value = l.value === null ? null : l.value_encoding === 'base64' ? Buffer.from(l.value, 'base64') : l.value;
        out.push({
          feed,
          key: l.origin.key,
          reason: l.reason,
          error: `${l.error.name}: ${l.error.message}`.slice(0, 300),
          component: l.component,
          validRecord: parseRawRecord(feed, value) !== null,
        });
      }
    },
    { deadlineMs, log, groupPrefix: `${n.namespace}-dlq-scan` },
  );
  return out;
}
