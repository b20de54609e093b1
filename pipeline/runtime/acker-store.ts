import type { FailureInfo } from './tuple-failure.js';

/** A new tuple tree: its root id, the worker whose spout owns it, and the XOR of its first tuples. */
export interface AckerInit {
  root: string;
  owner: string;
  xor: string;
}

/** One XOR update of a tree: the acked tuple id XOR the ids of the children anchored to it. */
export interface AckerUpdate {
  root: string;
  xor: string;
}

/** What the owner of a tree learns about it. */
export type Completion = { root: string; ok: true } | { root: string; ok: false; failure: FailureInfo };

/**
 * Storage of the acker (Storm's XOR algorithm). A tree's value starts as the XOR of the ids of the
 * spout tuples; every ack XORs in the acked id and the ids of its anchored children, so the value
 * is zero exactly when every tuple of the tree was acked. Implementations must apply each call
 * atomically; updates of unknown roots (completed, failed or timed out) are ignored.
 */
export interface AckerStore {
  /** Registers trees; must resolve before their tuples are sent. */
  init(entries: readonly AckerInit[]): Promise<void>;
  /** Applies XOR updates; trees reaching zero are deleted and reported to their owner. */
  ack(updates: readonly AckerUpdate[]): Promise<void>;
  /** Fails trees: deleted and reported to their owner with the failure. */
  fail(roots: readonly string[], failure: FailureInfo): Promise<void>;
  /** Deletes trees without a report (the owner timed them out). */
  forget(roots: readonly string[]): Promise<void>;
  /** Takes up to `max` reports addressed to `owner`. */
  takeCompletions(owner: string, max: number): Promise<Completion[]>;
}
