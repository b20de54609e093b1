import type { BasicBolt, BatchBolt, Bolt, Spout } from './types.js';

/** How the tuples of one subscription are spread over the tasks of the subscribing bolt. */
export type Grouping =
  | { kind: 'shuffle' }
  | { kind: 'fields'; fields: readonly string[] }
  | { kind: 'all' }
  | { kind: 'global' }
  | { kind: 'local-or-shuffle' };

/** A bolt reading one stream of one component. */
export interface Subscription {
  source: string;
  stream: string;
  grouping: Grouping;
}

/** Declared output fields per stream (optional; checked against fields groupings when given). */
export type OutputFields = Readonly<Record<string, readonly string[]>>;

/** A spout component of a built topology. */
export interface SpoutDefinition {
  kind: 'spout';
  id: string;
  parallelism: number;
  factory: () => Spout;
  /** Un-acked tuples per spout task before `nextTuple` stops being called; default: config. */
  maxPending?: number;
  outputs?: OutputFields;
}

/** How a bolt is called and acked, as chosen by the builder method that added it. */
export type BoltKind =
  | { kind: 'bolt'; factory: () => Bolt }
  | { kind: 'basic-bolt'; factory: () => BasicBolt }
  | { kind: 'batch-bolt'; factory: () => BatchBolt };

/** A bolt component of a built topology; `kind` tells the executor how to call and ack it. */
export type BoltDefinition = BoltCommon & BoltKind;

interface BoltCommon {
  id: string;
  parallelism: number;
  subscriptions: readonly Subscription[];
  /** Tick tuples on `TICK_STREAM` every this many ms per task; none when undefined. */
  tickIntervalMs?: number;
  /** Inputs of one task being executed or awaiting their ack before the task stops taking more; default 1000. */
  maxInFlight: number;
  outputs?: OutputFields;
}

/** A validated, immutable topology, as `TopologyBuilder.build()` returns it. */
export interface Topology {
  readonly name: string;
  readonly spouts: ReadonlyMap<string, SpoutDefinition>;
  readonly bolts: ReadonlyMap<string, BoltDefinition>;
  /** Bolts in an order where every bolt comes after its sources. */
  readonly boltOrder: readonly string[];
}
