import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { RAW_FEEDS, type Names } from '../pipeline/contracts/names.js';
import { DeadLetterSchema, type DeadLetter, type Logger } from '../pipeline/runtime/index.js';
import type { ComponentError } from './topology-view.js';

/** Latest records kept per dead-letter topic. */
export const LATEST_DEAD_LETTERS = 20;

/** One dead-letter topic as the page shows it. */
export interface DeadLetterTopicView {
  topic: string;
  /** Records read so far, by reason (unparseable records under `unreadable`). */
  byReason: Record<string, number>;
  total: number;
  /** Newest first. */
  latest: (Pick<DeadLetter, 'reason' | 'component' | 'attempts' | 'time' | 'error' | 'origin'> & { offset: string; partition: number })[];
  /** The command that sends one reason's records back to the raw topic (another helper's CLI). */
  redrive: Record<string, string>;
}

/** The command that redrives the records of `reason` on dead-letter topic `topic`. */
export function redriveCommand(topic: string, reason: string): string {
  const quote = (s: string) => (/^[\w.:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return `npm run dlq -- redrive --topic ${quote(topic)} --reason ${quote(reason)}`;
}

/**
 * Reads the namespace's dead-letter topics from their beginning and keeps, in bounded memory,
 * the count of records per reason, the latest records and the last error per component. It
 * only reads: its consumer group is its own, fresh per process, and commits nothing.
 */
export class DeadLetterReader {
  private readonly consumer: Consumer;
  private readonly topics: string[];
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly latest = new Map<string, DeadLetterTopicView['latest']>();
  private readonly errors = new Map<string, ComponentError>();
  private retry: NodeJS.Timeout | undefined;
  /** Whether the consumer reads; false before it started or while its topics are missing. */
  running = false;

  constructor(
    kafka: Kafka,
    n: Names,
    private readonly log: Logger,
  ) {
    this.topics = RAW_FEEDS.map((f) => n.deadLetter[f]);
    this.consumer = kafka.consumer({ groupId: `${n.namespace}.ui-${randomUUID().slice(0, 8)}`, allowAutoTopicCreation: false });
  }

  /** Subscribes and starts reading (returns once running). */
  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => this.add(topic, partition, message.offset, message.value),
    });
  }

  private add(topic: string, partition: number, offset: string, value: Buffer | null): void {
    let parsed: DeadLetter | undefined;
    try {
      const result = DeadLetterSchema.safeParse(JSON.parse(value?.toString('utf8') ?? 'null'));
      parsed = result.success ? result.data : undefined;
    } catch {
      parsed = undefined;
    }
    const reason = parsed?.reason ?? 'unreadable';
    const counts = this.counts.get(topic) ?? new Map<string, number>();
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
    this.counts.set(topic, counts);
    if (!parsed) {
      this.log.warn({ topic, partition, offset }, 'dead letter not readable');
      return;
    }
    const list = this.latest.get(topic) ?? [];
    list.unshift({
      reason,
      component: parsed.component,
      attempts: parsed.attempts,
      time: parsed.time,
      error: parsed.error,
      origin: parsed.origin,
      offset,
      partition,
    });
    list.sort((a, b) => b.time.localeCompare(a.time));
    list.length = Math.min(list.length, LATEST_DEAD_LETTERS);
    this.latest.set(topic, list);
    const known = this.errors.get(parsed.component);
    if (!known || known.time <= parsed.time) {
      this.errors.set(parsed.component, {
        time: parsed.time,
        name: parsed.error.name,
        message: parsed.error.message,
        source: `dead letter ${topic}/${partition}@${offset}`,
      });
    }
  }

  /** Every dead-letter topic with its counts and latest records. */
  view(): DeadLetterTopicView[] {
    return this.topics.map((topic) => {
      const byReason = Object.fromEntries(this.counts.get(topic) ?? []);
      return {
        topic,
        byReason,
        total: Object.values(byReason).reduce((s, c) => s + c, 0),
        latest: this.latest.get(topic) ?? [],
        redrive: Object.fromEntries(Object.keys(byReason).map((reason) => [reason, redriveCommand(topic, reason)])),
      };
    });
  }

  /** The newest dead-lettered error of each component. */
  lastErrors(): ReadonlyMap<string, ComponentError> {
    return this.errors;
  }

  /** Starts reading, trying again every `retryMs` while it cannot (e.g. before setup created the topics). */
  startInBackground(retryMs: number): void {
    const attempt = (): void => {
      this.start().then(
        () => {
          this.running = true;
        },
        (err: unknown) => {
          this.log.warn({ err, retryMs }, 'dead-letter reader not started; retrying');
          this.retry = setTimeout(attempt, retryMs);
        },
      );
    };
    attempt();
  }

  /** Leaves the group. */
  async stop(): Promise<void> {
    clearTimeout(this.retry);
    this.running = false;
    await this.consumer.disconnect();
  }
}
