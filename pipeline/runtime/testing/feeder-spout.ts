import type { BackoffOptions } from '../backoff.js';
import type { Clock } from '../clock.js';
import type { BatchRecord, KafkaSpoutOutput } from '../kafka-record-stream.js';
import { decideOnFailure } from '../replay-decision.js';
import type { Spout, SpoutOutputCollector, Stream, TopologyContext, Values } from '../types.js';
import { AckTracker } from './ack-tracker.js';

/** Options of a `FeederSpout`. */
export interface FeederSpoutOptions {
  tracker?: AckTracker;
  /** Replays failed messages like the Kafka spout; when omitted failures are only recorded. */
  replay?: { maxAttempts: number | null; backoff: BackoffOptions; random?: () => number };
  /**
   * Emits record batches as a Kafka spout with this output does (`KAFKA_RECORD_BATCH_OUTPUT`): the
   * first deliveries of one `nextTuple` call in one tuple on `output.stream`, a replay alone.
   */
  batches?: Required<Pick<KafkaSpoutOutput, 'stream' | 'join'>>;
}

/**
 * A spout fed by the test (`feed(values, messageId)`) that emits on `stream` (or, with `batches`,
 * joins them into record batches), for local topologies.
 */
export class FeederSpout<T extends Values = Values> implements Spout {
  readonly tracker: AckTracker;
  private readonly queue: { values: T; messageId: string; attempt: number }[] = [];
  private readonly inFlight = new Map<string, { values: T; attempt: number }>();
  private collector: SpoutOutputCollector | undefined;
  private clock: Clock | undefined;

  constructor(
    readonly stream: Stream<T>,
    private readonly options: FeederSpoutOptions = {},
  ) {
    this.tracker = options.tracker ?? new AckTracker();
  }

  /** Queues a message; it is emitted at the next `nextTuple`. */
  feed(values: T, messageId: string): void {
    this.queue.push({ values, messageId, attempt: 1 });
  }

  async open(context: TopologyContext, collector: SpoutOutputCollector): Promise<void> {
    this.collector = collector;
    this.clock = context.clock;
  }

  async nextTuple(): Promise<void> {
    const collector = this.collector;
    if (!collector) return;
    const batches = this.options.batches;
    const batch: BatchRecord[] = [];
    for (const m of this.queue.splice(0)) {
      this.inFlight.set(m.messageId, { values: m.values, attempt: m.attempt });
      this.tracker.emitted.push({ messageId: m.messageId, attempt: m.attempt });
      if (batches === undefined) collector.emit(this.stream, m.values, { messageId: m.messageId, attempt: m.attempt });
      else if (m.attempt > 1) collector.emit(batches.stream, batches.join([m]), { messageId: m.messageId, attempt: m.attempt });
      else batch.push(m);
    }
    if (batches !== undefined && batch.length > 0)
      collector.emit(batches.stream, batches.join(batch), { messages: batch.map((m) => ({ messageId: m.messageId, attempt: 1 })) });
  }

  ack(messageId: string): void {
    if (this.inFlight.delete(messageId)) this.tracker.acked.push(messageId);
  }

  fail(messageId: string, reason: unknown): void {
    const m = this.inFlight.get(messageId);
    if (!m) return;
    this.inFlight.delete(messageId);
    this.tracker.failed.push({ messageId, reason, attempt: m.attempt });
    const replay = this.options.replay;
    if (!replay) return;
    const decision = decideOnFailure({
      attempt: m.attempt,
      maxAttempts: replay.maxAttempts,
      error: reason,
      backoff: replay.backoff,
      ...(replay.random ? { random: replay.random } : {}),
    });
    if (decision.action === 'dead-letter') {
      this.tracker.deadLettered.push({ messageId, reason: decision.reason, error: reason, attempts: m.attempt });
      return;
    }
    const requeue = () => this.queue.push({ values: m.values, messageId, attempt: decision.nextAttempt });
    if (decision.delayMs === 0) requeue();
    else (this.clock as Clock).setTimer(decision.delayMs, requeue);
  }

  async close(): Promise<void> {}
}
