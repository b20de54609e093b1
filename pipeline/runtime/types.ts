/**
 * The public contracts of the runtime: spouts, bolts, tuples and collectors.
 *
 * Guaranteed processing (as in Apache Storm): every tuple a spout emits with a message id roots a
 * tuple tree. Bolts emit new tuples anchored to the tuples they read and then ack or fail their
 * input. The tree is complete when every tuple in it has been acked; the spout then receives
 * `ack(messageId)`. If any tuple fails, or the tree is not complete within the message timeout,
 * the spout receives `fail(messageId)` and replays the message (Kafka spouts do this by
 * themselves, with backoff, up to the attempt limit, then dead-letter it).
 *
 * Because delivery is at-least-once, a bolt's external effect must be idempotent: use
 * `tuple.origin.messageId` (stable across replays) or a key from the data to make it so.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock } from './clock.js';
import type { TaskMetrics } from './metrics.js';

/** Reserved stream of tick tuples (timers); ids starting with `__` belong to the runtime. */
export const TICK_STREAM = '__tick';

/** Values of a tuple, by field name. Must be JSON-serialisable (they cross process boundaries). */
export type Values = Record<string, unknown>;

/**
 * A stream, declared once with `defineStream`: its id and the zod schema of its tuples' values.
 * Components list the streams they emit (`outputs`), emits name one, and a tuple that arrives
 * through a task queue is parsed with its stream's schema before a bolt sees it; in process, the
 * compiler checks the values. A stream id means one schema in the whole topology.
 */
export interface Stream<T extends Values = Values> {
  readonly id: string;
  readonly schema: z.ZodType<T>;
  /** Field names (the keys of the schema's object), for fields groupings. */
  readonly fields: readonly string[];
  /** True when the tuple was emitted on this stream (its values are then `T`). */
  is(tuple: Tuple): tuple is Tuple<T>;
  /** The tuple's values as `T`; throws an `InvariantError` when the tuple belongs to another stream. */
  of(tuple: Tuple): T;
}

/** Where the spout tuple at the root of a tree came from. */
export interface Origin {
  /** Stable id of the spout message, e.g. `topic/partition/offset`; identical across replays. */
  messageId: string;
  /** 1 on first delivery, then 2, 3, ... on replays. */
  attempt: number;
}

/** A tuple as a bolt receives it; `T` is its stream's values (narrow with `stream.is` or read with `stream.of`). */
export interface Tuple<T extends Values = Values> {
  /** Unique id of this tuple instance. */
  readonly id: string;
  readonly stream: string;
  readonly sourceComponent: string;
  readonly sourceTask: number;
  readonly values: Readonly<T>;
  /** Origins of the spout tuples this tuple descends from (one, unless it joins several). */
  readonly origins: readonly Origin[];
}

/** Options of one emit of a rich bolt. */
export interface EmitOptions {
  /** Input tuples the new tuple is anchored to. Unanchored tuples are not tracked. */
  anchors?: readonly Tuple[];
}

/** What a component knows about itself. */
export interface TopologyContext {
  topology: string;
  componentId: string;
  /** Index of this task within the component, 0-based. */
  taskIndex: number;
  /** Number of tasks of this component. */
  taskCount: number;
  workerId: string;
  log: Logger;
  clock: Clock;
  /** Counters of this task (spouts report `replayed`, `deadLettered`, Kafka lag); absent outside the runtime. */
  metrics?: TaskMetrics;
}

/** Emits from a spout. */
export interface SpoutOutputCollector {
  /**
   * Emits a tuple on `stream` (one of the spout's `outputs`) rooted at `messageId` (tracked;
   * `ack`/`fail` follow), or at every message of `messages` (a record batch: one tree tracks them
   * all, and each one is acked or failed), or untracked when both are omitted.
   */
  emit<T extends Values>(stream: Stream<T>, values: T, options?: { messageId?: string; attempt?: number; messages?: readonly Origin[] }): void;
  /** Reports an error of the spout itself (logged and counted). */
  reportError(err: unknown): void;
}

/**
 * A source of tuples. The runtime calls `nextTuple` in a loop while fewer than the maximum of
 * pending tuples are in flight, and calls `ack`/`fail` when a tree completes or fails.
 * Methods are never called concurrently on one instance.
 */
export interface Spout {
  open(context: TopologyContext, collector: SpoutOutputCollector): Promise<void>;
  /** Emits zero or more tuples; may wait briefly for input. */
  nextTuple(): Promise<void>;
  ack(messageId: string): void | Promise<void>;
  fail(messageId: string, reason: unknown): void | Promise<void>;
  /** Stops fetching, and flushes what must survive (offset commits). */
  close(): Promise<void>;
}

/** Emits from a rich bolt; acking is explicit. */
export interface OutputCollector {
  /** Emits on `stream`, one of the bolt's `outputs` (an `InvariantError` otherwise). */
  emit<T extends Values>(stream: Stream<T>, values: T, options?: EmitOptions): void;
  ack(tuple: Tuple): void;
  /** Fails the tuple's tree; a `NonRetriableError` sends the spout message to the dead letters at once. */
  fail(tuple: Tuple, err: unknown): void;
}

/**
 * A bolt with explicit acking (windows, joins, batching sinks). Every input must eventually be
 * acked or failed, or its tree times out and replays.
 */
export interface Bolt {
  prepare(context: TopologyContext, collector: OutputCollector): Promise<void> | void;
  execute(tuple: Tuple): Promise<void> | void;
  cleanup?(): Promise<void> | void;
}

/** Emits from a basic bolt; every emit is anchored to the input. */
export interface BasicOutputCollector {
  emit<T extends Values>(stream: Stream<T>, values: T): void;
}

/**
 * The easy path: the input is acked when `execute` resolves, failed when it throws.
 * Throw a `NonRetriableError` for bad data (dead-lettered without replay), a `RetriableError`
 * or any other error for a transient problem (replayed with backoff).
 */
export interface BasicBolt {
  prepare?(context: TopologyContext): Promise<void> | void;
  execute(tuple: Tuple, collector: BasicOutputCollector): Promise<void> | void;
  cleanup?(): Promise<void> | void;
}

/** Emits and per-input failures of a batch bolt; every emit is anchored to the input it derives from. */
export interface BatchOutputCollector {
  emit<T extends Values>(stream: Stream<T>, values: T, options: { anchor: Tuple }): void;
  /**
   * Fails one input of the batch (the others are still acked when `executeBatch` resolves), e.g.
   * a `NonRetriableError` for one bad record, which is then dead-lettered alone.
   */
  fail(input: Tuple, err: unknown): void;
}

/**
 * A basic bolt that takes its inputs a batch at a time (Trident's `StateUpdater.updateState`):
 * one call per transport batch, so a bolt that writes state pays one round trip per batch, not
 * per tuple. The tuples of a batch are the ones one queue job carried to this task, in order
 * (any streams); a tick arrives as a batch of one. The runtime still tracks every input alone:
 * when `executeBatch` resolves, each input not failed with `collector.fail` is acked; when it
 * throws, every input of the batch is failed and replays (a `NonRetriableError` thrown here
 * dead-letters them all: fail one bad input with `collector.fail` instead). Since a batch replays
 * in parts and in other batches, its effects must be idempotent per input, not per batch.
 */
export interface BatchBolt {
  prepare?(context: TopologyContext): Promise<void> | void;
  executeBatch(tuples: readonly Tuple[], collector: BatchOutputCollector): Promise<void> | void;
  cleanup?(): Promise<void> | void;
}
