import type { Admin, Consumer, ConsumerRunConfig, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import { deadLetterRecord } from './dead-letter-record.js';
import { DeadLetterSchema } from './dead-letter.js';
import { type BatchRecord, KAFKA_RECORD_OUTPUT, type KafkaSpoutOutput } from './kafka-record-stream.js';
import { KAFKA_SPOUT_SESSION_TIMEOUT_MS, type KafkaSpoutOptions } from './kafka-spout-options.js';
import type { TaskMetrics } from './metrics.js';
import { OffsetManager } from './offset-manager.js';
import { decideOnFailure } from './replay-decision.js';
import { isRetriable, TreeAbortedError } from './tuple-failure.js';
import type { Spout, SpoutOutputCollector, TopologyContext, Values } from './types.js';

interface Record_ {
  partition: number;
  offset: string;
  message: KafkaMessage;
  attempt: number;
  /** True while a tree of this record is in flight. */
  emitted: boolean;
  /**
   * True while something will hand the record back to `nextTuple`: it is in `ready`, waits on a
   * replay or retry timer, or is being dead-lettered. A buffered record that is neither emitted
   * nor queued would stall its partition for ever; `reconcile` re-queues it.
   */
  queued: boolean;
}

/** Consecutive commits refused by a broker that is not the coordinator before the group is joined anew. */
const REJOIN_AFTER_COORDINATOR_FAILURES = 3;

/** Whether `err` (or an error it wraps) says the group coordinator is elsewhere or unavailable. */
export function isCoordinatorMoved(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; depth += 1) {
    const type = (e as { type?: unknown }).type;
    if (type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'GROUP_COORDINATOR_NOT_AVAILABLE') return true;
    if (/not the correct coordinator|coordinator is not available/i.test(e.message)) return true;
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? e.cause;
  }
  return false;
}

/** The consumer's heartbeat interval; also how long the batch handler waits for room before it heartbeats again. */
const HEARTBEAT_INTERVAL_MS = 1_000;

/**
 * Resolves after `ms` on `clock`, or as soon as the function handed to `register` is called; the
 * registration is cleared (`undefined`) when it resolves.
 */
function wakeableDelay(clock: Clock, ms: number, register: (wake: (() => void) | undefined) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const cancel = clock.setTimer(ms, () => finish());
    const finish = () => {
      cancel();
      register(undefined);
      resolve();
    };
    register(finish);
  });
}

type Ready = { messageId: string; deadLetter?: { reason: string; error: unknown } };

/** A decoded first delivery waiting for the end of `nextTuple` to travel in its record batch. */
type Batched = BatchRecord & { rec: Record_ };

/**
 * A spout over one Kafka topic, as a member of a consumer group (one consumer per spout task;
 * Kafka spreads the partitions over every task of every worker).
 *
 * Records are buffered as kafkajs delivers them (the batch handler never blocks) and emitted with
 * message id `topic/partition/offset`: one tuple each, or with an output that joins them
 * (`KAFKA_RECORD_BATCH_OUTPUT`) the first deliveries of one `nextTuple` call in one tuple rooted at
 * all of them, and a replayed record alone. Per partition only the contiguous prefix of complete offsets
 * is committed. While `maxPending` records are buffered or in flight, the batch handler waits for
 * room before it takes the next fetched batch, so the consumer fetches no more. A failed
 * record replays with exponential backoff and full jitter, for ever by default (a retriable failure
 * means a service is missing, not that the record is bad); after `maxAttempts` if one is set, or at
 * once for a non-retriable error (a `decode` that throws a `SchemaError`, a bolt's `NonRetriableError`), it is
 * written to the dead-letter topic and counts as complete, so a poison record never stalls its
 * partition. On a rebalance every in-flight record is dropped: kafkajs restarts each assigned
 * partition from its committed offset, so the new owner (maybe this task) replays the rest.
 */
export class KafkaSpout implements Spout {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private collector: SpoutOutputCollector | undefined;
  private context: TopologyContext | undefined;
  private log: Logger | undefined;
  private clock: Clock | undefined;
  private metrics: TaskMetrics | undefined;
  private readonly partitions = new Map<number, OffsetManager>();
  private readonly records = new Map<string, Record_>();
  private ready: Ready[] = [];
  private inFlightTrees = 0;
  private held = false;
  /** Wakes the batch handler waiting for room under `maxPending`. */
  private roomWaiter: (() => void) | undefined;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly timers: (() => void)[] = [];
  private committing: Promise<void> = Promise.resolve();
  private generation = 0;
  /** Consecutive commits refused because the broker is not (or no longer) the group coordinator. */
  private coordinatorFailures = 0;

  private readonly output: KafkaSpoutOutput;

  constructor(readonly options: KafkaSpoutOptions) {
    this.output = options.output ?? KAFKA_RECORD_OUTPUT;
  }

  async open(context: TopologyContext, collector: SpoutOutputCollector): Promise<void> {
    this.context = context;
    this.collector = collector;
    this.log = context.log.child({ topic: this.options.topic });
    this.clock = context.clock;
    this.metrics = context.metrics;
    const kafka = this.options.connections.kafka(`${context.componentId}-${context.workerId}-${context.taskIndex}`, this.log);
    this.consumer = kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: KAFKA_SPOUT_SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      rebalanceTimeout: 20_000,
      maxWaitTimeInMs: 500,
      allowAutoTopicCreation: false,
    });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.admin = kafka.admin();
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => this.onAssignment(event.payload.memberAssignment));
    await Promise.all([this.consumer.connect(), this.producer.connect(), this.admin.connect()]);
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run(this.runConfig());
    this.every(this.options.commitIntervalMs ?? 500, () => {
      this.reconcile();
      void this.commit();
    });
    this.every(this.options.lagIntervalMs ?? 5_000, () => void this.measureLag());
  }

  async nextTuple(): Promise<void> {
    // Short: the executor serialises ack/fail behind this call.
    if (this.ready.length === 0) await this.waitForWork(5);
    const room = Math.max(0, this.options.maxPending - this.inFlightTrees);
    let budget = Math.min(room, this.options.emitBatch ?? 200);
    const batch: Batched[] = [];
    const generation = this.generation;
    try {
      while (budget > 0 && this.ready.length > 0) {
        const item = this.ready.shift() as Ready;
        const rec = this.records.get(item.messageId);
        if (!rec || rec.emitted) continue;
        rec.queued = false;
        try {
          const emitted = this.emitOrDeadLetter(item, rec, batch);
          if (emitted === true) budget -= 1;
          else await emitted;
        } catch (err) {
          // Whatever went wrong, the record stays tracked: it comes back after a backoff.
          this.log?.error({ err, messageId: item.messageId }, 'record could not be handed to the topology; retrying');
          this.retryLater(item, rec, this.options.backoff.baseMs);
        }
      }
    } finally {
      // A rebalance meanwhile dropped these records: their new owner emits them.
      if (batch.length > 0 && generation === this.generation) this.emitJoined(batch);
    }
  }

  /**
   * Emits the record's tree at once (true), adds it to `batch` when the output joins first
   * deliveries into record batches (true), or dead-letters it (the write to the dead-letter
   * topic). The usual path is synchronous: no promise and no turn of the event loop per record.
   */
  private emitOrDeadLetter(item: Ready, rec: Record_, batch: Batched[]): true | Promise<void> {
    if (item.deadLetter) return this.deadLetter(item.messageId, rec, item.deadLetter.reason, item.deadLetter.error);
    let values: Values;
    try {
      values = this.decode(rec);
    } catch (err) {
      if (isRetriable(err)) this.log?.warn({ err, messageId: item.messageId }, 'decode failed with a retriable error; dead-lettering');
      return this.deadLetter(item.messageId, rec, 'record cannot be decoded', err);
    }
    const join = this.output.join;
    if (join === undefined || rec.attempt > 1) {
      // A replay travels alone, so that a bad record of a failed batch fails alone.
      const emitted = join === undefined ? values : join([{ messageId: item.messageId, values }]);
      (this.collector as SpoutOutputCollector).emit(this.output.stream, emitted, { messageId: item.messageId, attempt: rec.attempt });
    } else batch.push({ messageId: item.messageId, rec, values });
    rec.emitted = true;
    this.inFlightTrees += 1;
    return true;
  }

  /** Emits the first deliveries of one `nextTuple` call as one record batch (one tree). */
  private emitJoined(batch: readonly Batched[]): void {
    const join = this.output.join as NonNullable<KafkaSpoutOutput['join']>;
    try {
      (this.collector as SpoutOutputCollector).emit(this.output.stream, join(batch), { messages: batch.map((b) => ({ messageId: b.messageId, attempt: 1 })) });
    } catch (err) {
      this.log?.error({ err, messageId: batch[0]?.messageId, records: batch.length }, 'record batch could not be handed to the topology; retrying');
      for (const b of batch) {
        b.rec.emitted = false;
        this.inFlightTrees -= 1;
        this.retryLater({ messageId: b.messageId }, b.rec, this.options.backoff.baseMs);
      }
    }
  }

  /**
   * Queues `item` again after `delayMs` (unless a rebalance dropped the record meanwhile), first
   * running `beforeQueue` (a replay counts its attempt).
   */
  private retryLater(item: Ready, rec: Record_, delayMs: number, beforeQueue?: () => void): void {
    rec.queued = true;
    const generation = this.generation;
    const queue = () => {
      if (generation !== this.generation || this.records.get(item.messageId) !== rec) return;
      beforeQueue?.();
      this.ready.push(item);
      this.wake?.();
    };
    if (delayMs === 0) queue();
    else this.timer(delayMs, queue);
  }

  /**
   * Re-queues every buffered record that is neither in flight nor queued. None should exist; one
   * that did would hold its partition's commits for ever, so it is logged as the bug it is and
   * healed rather than left to stall the partition.
   */
  private reconcile(): void {
    for (const [messageId, rec] of this.records) {
      if (rec.emitted || rec.queued) continue;
      this.log?.error({ messageId, attempt: rec.attempt }, 'a buffered record was neither in flight nor queued; re-queued');
      rec.queued = true;
      this.ready.push({ messageId });
    }
  }

  ack(messageId: string): void {
    const rec = this.records.get(messageId);
    if (!rec?.emitted) return;
    this.inFlightTrees -= 1;
    this.completeRecord(messageId, rec);
  }

  fail(messageId: string, reason: unknown): void {
    const rec = this.records.get(messageId);
    if (!rec?.emitted) return;
    rec.emitted = false;
    this.inFlightTrees -= 1;
    const decision = decideOnFailure({ attempt: rec.attempt, maxAttempts: this.options.maxAttempts, error: reason, backoff: this.options.backoff });
    rec.queued = true;
    if (decision.action === 'dead-letter') {
      this.ready.unshift({ messageId, deadLetter: { reason: decision.reason, error: reason } });
      this.wake?.();
      return;
    }
    // A batch's sibling of a bad record is not a failure of its own: the bolt logged the bad one.
    const level = reason instanceof TreeAbortedError ? 'debug' : 'warn';
    this.log?.[level]({ err: reason, messageId, attempt: rec.attempt, delayMs: decision.delayMs }, 'tuple failed; replaying');
    this.retryLater({ messageId }, rec, decision.delayMs, () => {
      rec.attempt = decision.nextAttempt;
      this.metrics?.count('replayed');
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const cancel of this.timers.splice(0)) cancel();
    this.wake?.();
    this.roomWaiter?.();
    await this.commit();
    await this.consumer?.disconnect().catch((err: unknown) => this.log?.warn({ err }, 'consumer disconnect failed'));
    await this.producer?.disconnect().catch((err: unknown) => this.log?.warn({ err }, 'producer disconnect failed'));
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** Records buffered or in flight. */
  get pending(): number {
    return this.records.size;
  }

  /** Whether fetching is held by backpressure (the batch handler waits for room). */
  get isHeld(): boolean {
    return this.held;
  }

  /**
   * Takes a fetched batch, after waiting for room under `maxPending` (heartbeating: a rebalance
   * meanwhile throws out of `heartbeat`, and kafkajs rejoins without resolving the batch). The
   * handler holds fetching rather than pausing the consumer, because kafkajs drops what a fetch
   * brings for a paused partition: with a fetch in flight to each broker, a pause at the cap threw
   * away and fetched again about a third of the records of a drain.
   */
  private async onBatch({ batch, heartbeat, isRunning }: EachBatchPayload): Promise<void> {
    while (this.held && !this.closed && isRunning()) {
      await this.waitForRoom(HEARTBEAT_INTERVAL_MS);
      if (this.closed) break;
      await heartbeat();
    }
    const offsets = this.partitions.get(batch.partition);
    if (!offsets || this.closed) return;
    for (const message of batch.messages) {
      const messageId = `${batch.topic}/${batch.partition}/${message.offset}`;
      if (this.records.has(messageId)) continue;
      try {
        offsets.add(message.offset);
      } catch {
        continue; // already seen in this generation
      }
      this.records.set(messageId, { partition: batch.partition, offset: message.offset, message, attempt: 1, emitted: false, queued: true });
      this.ready.push({ messageId });
    }
    this.updateHeld();
    this.wake?.();
  }

  private onAssignment(assignment: Record<string, number[]>): void {
    const mine = assignment[this.options.topic] ?? [];
    this.generation += 1;
    // kafkajs restarts every assigned partition from its committed offset after a join: forget all
    // in-flight state, including of partitions kept, so nothing is tracked twice.
    this.partitions.clear();
    this.records.clear();
    this.ready = [];
    this.inFlightTrees = 0;
    for (const p of mine) this.partitions.set(p, new OffsetManager());
    this.log?.info({ partitions: mine, generation: this.generation }, 'partitions assigned');
    this.updateHeld();
  }

  private completeRecord(messageId: string, rec: Record_): void {
    this.records.delete(messageId);
    this.partitions.get(rec.partition)?.complete(rec.offset);
    this.updateHeld();
  }

  private async deadLetter(messageId: string, rec: Record_, reason: string, error: unknown): Promise<void> {
    const context = this.context as TopologyContext;
    rec.queued = true;
    const letter = DeadLetterSchema.parse(
      deadLetterRecord({
        topic: this.options.topic,
        partition: rec.partition,
        offset: rec.offset,
        key: rec.message.key,
        value: rec.message.value,
        reason,
        error,
        component: context.componentId,
        attempts: rec.attempt,
        nowMs: context.clock.nowMs(),
      }),
    );
    try {
      await (this.producer as Producer).send({
        topic: this.options.deadLetterTopic,
        acks: -1,
        messages: [{ key: rec.message.key, value: JSON.stringify(letter) }],
      });
    } catch (err) {
      this.log?.error({ err, messageId }, 'dead-letter publish failed; retrying');
      this.retryLater({ messageId, deadLetter: { reason, error } }, rec, this.options.backoff.baseMs);
      return;
    }
    this.log?.warn({ messageId, reason, attempts: rec.attempt, component: letter.component, error: letter.error.name }, 'record dead-lettered');
    this.metrics?.count('deadLettered');
    this.completeRecord(messageId, rec);
  }

  private decode(rec: Record_): Values {
    return this.output.decode(rec.message, rec.partition);
  }

  /**
   * Holds fetching while `maxPending` records are buffered or in flight, and below it wakes the
   * batch handler that waits for room.
   */
  private updateHeld(): void {
    const held = this.records.size >= this.options.maxPending;
    if (held === this.held) return;
    this.held = held;
    this.metrics?.setPaused(held);
    this.log?.debug({ pending: this.records.size }, held ? 'fetching held' : 'fetching resumed');
    if (!held) this.roomWaiter?.();
  }

  private runConfig(): ConsumerRunConfig {
    return {
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload) => this.onBatch(payload),
    };
  }

  /**
   * kafkajs 2.2.4 finds the group coordinator only when it joins: when the coordinator moves
   * (a broker restarted, then Kafka's preferred-leader election moved `__consumer_offsets`
   * leadership back), every commit fails with NOT_COORDINATOR for as long as the group stays
   * stable, and the partitions' offsets never move again. Stopping and running the consumer
   * again joins the group anew, which looks the coordinator up; the rebalance replays what was
   * in flight (at least once, as after any rebalance).
   */
  private async rejoin(): Promise<void> {
    const consumer = this.consumer;
    this.coordinatorFailures = 0;
    if (!consumer || this.closed) return;
    this.log?.warn('offset commits keep reaching a broker that is no longer the group coordinator; rejoining the group');
    try {
      await consumer.stop();
      if (!this.closed) await consumer.run(this.runConfig());
    } catch (err) {
      this.log?.error({ err }, 'rejoining the group failed; the next commit failures try again');
    }
  }

  private commit(): Promise<void> {
    // One commit at a time, in order.
    this.committing = this.committing.then(async () => {
      const consumer = this.consumer;
      if (!consumer) return;
      const generation = this.generation;
      const topics: { topic: string; partition: number; offset: string }[] = [];
      const managers: [OffsetManager, string][] = [];
      for (const [partition, offsets] of this.partitions) {
        const offset = offsets.committable();
        if (offset === undefined) continue;
        topics.push({ topic: this.options.topic, partition, offset });
        managers.push([offsets, offset]);
      }
      if (topics.length === 0) return;
      try {
        await consumer.commitOffsets(topics);
        if (generation === this.generation) for (const [m, o] of managers) m.markCommitted(o);
        this.coordinatorFailures = 0;
      } catch (err) {
        this.log?.warn({ err }, 'offset commit failed; will retry');
        if (isCoordinatorMoved(err) && (this.coordinatorFailures += 1) >= REJOIN_AFTER_COORDINATOR_FAILURES) await this.rejoin();
      }
    });
    return this.committing;
  }

  private async measureLag(): Promise<void> {
    const admin = this.admin;
    if (!admin || this.partitions.size === 0) return;
    try {
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(this.options.topic),
        admin.fetchOffsets({ groupId: this.options.groupId, topics: [this.options.topic] }),
      ]);
      const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]));
      for (const end of ends) {
        if (!this.partitions.has(end.partition)) continue;
        const lag = BigInt(end.high) - (done.get(end.partition) ?? BigInt(end.low));
        this.metrics?.setLag(this.options.topic, end.partition, Number(lag < 0n ? 0n : lag));
      }
    } catch (err) {
      this.log?.debug({ err }, 'lag measurement failed');
    }
  }

  private waitForWork(ms: number): Promise<void> {
    return wakeableDelay(this.clock as Clock, ms, (wake) => {
      this.wake = wake;
    });
  }

  private waitForRoom(ms: number): Promise<void> {
    return wakeableDelay(this.clock as Clock, ms, (wake) => {
      this.roomWaiter = wake;
    });
  }

  private timer(ms: number, fn: () => void): void {
    const cancel = (this.clock as Clock).setTimer(ms, () => {
      const i = this.timers.indexOf(cancel);
      if (i >= 0) this.timers.splice(i, 1);
      fn();
    });
    this.timers.push(cancel);
  }

  private every(ms: number, fn: () => void): void {
    const tick = () => {
      if (this.closed) return;
      fn();
      this.timer(ms, tick);
    };
    this.timer(ms, tick);
  }
}
