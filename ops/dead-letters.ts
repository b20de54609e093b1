import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { type Names, RAW_FEEDS, type RawFeed } from '../pipeline/contracts/names.js';
import { type DeadLetter, DeadLetterSchema } from '../pipeline/runtime/index.js';
import { readTopicsToEnd, type TopicRecord } from './raw-topic-reader.js';
import { UsageError } from './usage-error.js';

/** A dead letter with where it is stored (dead-letter topic, partition, offset). */
export interface StoredLetter {
  dlqTopic: string;
  partition: number;
  offset: number;
  letter: DeadLetter;
}

/** A record of a dead-letter topic that is not a dead letter (counted, never hidden). */
export interface UnreadableLetter {
  dlqTopic: string;
  partition: number;
  offset: number;
  problem: string;
}

/** Which letters a command acts on; every given field must match (text fields: case-insensitive substring). */
export interface LetterFilter {
  /** Raw feeds whose dead-letter topics are read (default all). */
  feeds?: readonly RawFeed[];
  reason?: string;
  /** Matched against `name: message` of the letter's error. */
  error?: string;
  component?: string;
  /** Only letters written at or after this time (epoch ms). */
  sinceMs?: number;
}

/** The raw feed named by `text`: a feed (`transactions`), its raw topic or its dead-letter topic. */
export function feedOf(n: Names, text: string): RawFeed {
  const feed = RAW_FEEDS.find((f) => f === text || n.topics[f] === text || n.deadLetter[f] === text);
  if (feed === undefined) {
    throw new UsageError(
      `unknown topic ${text}: use a feed (${RAW_FEEDS.join(', ')}), a raw topic (${Object.values(n.topics).join(', ')}) or its dead-letter topic`,
    );
  }
  return feed;
}

/** Decodes one record of a dead-letter topic. */
export function decodeLetter(record: TopicRecord): StoredLetter | UnreadableLetter {
  const where = { dlqTopic: record.topic, partition: record.partition, offset: Number(record.offset) };
  if (record.value === null) return { ...where, problem: 'empty value' };
  let json: unknown;
  try {
    json = JSON.parse(record.value.toString('utf8'));
  } catch {
    return { ...where, problem: 'not JSON' };
  }
  const parsed = DeadLetterSchema.safeParse(json);
  if (!parsed.success)
    return { ...where, problem: `not a dead letter: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
  return { ...where, letter: parsed.data };
}

/** Whether `stored` passes `filter` (its `feeds` are applied when reading). */
export function matchesFilter(stored: StoredLetter, filter: LetterFilter): boolean {
  const { letter } = stored;
  const has = (text: string, part: string | undefined) => part === undefined || text.toLowerCase().includes(part.toLowerCase());
  return (
    has(letter.reason, filter.reason) &&
    has(`${letter.error.name}: ${letter.error.message}`, filter.error) &&
    has(letter.component, filter.component) &&
    (filter.sinceMs === undefined || Date.parse(letter.time) >= filter.sinceMs)
  );
}

/**
 * Reads the dead-letter topics of `filter.feeds` (default all) up to their current end and hands
 * each letter that passes the filter to `onLetter`, each record that is no dead letter to
 * `onUnreadable`. A raw record is dead-lettered again when it is read again before its offset was
 * committed (a rebalance right after the letter was written: dead letters are at least once, like
 * everything else): only the first letter of each raw record (topic, partition, offset of its
 * origin) is handed on, so each bad record is listed, counted and redriven once. Memory: one short
 * key per raw record read.
 */
export async function forEachDeadLetter(
  kafka: Kafka,
  n: Names,
  filter: LetterFilter,
  onLetter: (stored: StoredLetter) => void,
  onUnreadable: (bad: UnreadableLetter) => void,
  options: { log: Logger; deadlineMs: number },
): Promise<void> {
  const topics = (filter.feeds ?? RAW_FEEDS).map((f) => n.deadLetter[f]);
  const seen = new Set<string>();
  await readTopicsToEnd(
    kafka,
    topics,
    (records) => {
      for (const record of records) {
        const decoded = decodeLetter(record);
        if (!('letter' in decoded)) {
          onUnreadable(decoded);
          continue;
        }
        const { origin } = decoded.letter;
        const key = `${origin.topic}/${origin.partition}/${origin.offset}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (matchesFilter(decoded, filter)) onLetter(decoded);
      }
    },
    { ...options, groupPrefix: `${n.namespace}-ops-dlq-read` },
  );
}

/** Letters with the same dead-letter topic, reason, component and error name. */
export interface LetterGroup {
  dlqTopic: string;
  reason: string;
  component: string;
  errorName: string;
  count: number;
  firstTime: string;
  lastTime: string;
  /** The latest letter of the group. */
  example: StoredLetter;
}

/** Groups letters by dead-letter topic, reason, component and error name; feed it letter by letter. */
export class LetterGroups {
  private readonly groups = new Map<string, LetterGroup>();

  add(stored: StoredLetter): void {
    const { letter } = stored;
    const key = JSON.stringify([stored.dlqTopic, letter.reason, letter.component, letter.error.name]);
    const g = this.groups.get(key);
    if (g === undefined) {
      this.groups.set(key, {
        dlqTopic: stored.dlqTopic,
        reason: letter.reason,
        component: letter.component,
        errorName: letter.error.name,
        count: 1,
        firstTime: letter.time,
        lastTime: letter.time,
        example: stored,
      });
      return;
    }
    g.count += 1;
    if (letter.time < g.firstTime) g.firstTime = letter.time;
    if (letter.time >= g.lastTime) {
      g.lastTime = letter.time;
      g.example = stored;
    }
  }

  /** The groups, by dead-letter topic, then largest count first. */
  list(): LetterGroup[] {
    return [...this.groups.values()].sort((a, b) => a.dlqTopic.localeCompare(b.dlqTopic) || b.count - a.count || a.reason.localeCompare(b.reason));
  }
}

/** Keeps the latest `limit` letters (by letter time, then position) of those fed to it. */
export class LatestLetters {
  private readonly kept: StoredLetter[] = [];

  constructor(private readonly limit: number) {}

  add(stored: StoredLetter): void {
    this.kept.push(stored);
    if (this.kept.length > this.limit * 2) this.trim();
  }

  /** The kept letters, latest first. */
  list(): StoredLetter[] {
    this.trim();
    return [...this.kept];
  }

  private trim(): void {
    this.kept.sort(latestFirst);
    this.kept.length = Math.min(this.kept.length, this.limit);
  }
}

function latestFirst(a: StoredLetter, b: StoredLetter): number {
  return b.letter.time.localeCompare(a.letter.time) || a.dlqTopic.localeCompare(b.dlqTopic) || b.partition - a.partition || b.offset - a.offset;
}
