import type { BasicBolt, BatchBolt, Bolt, Spout, Stream } from './types.js';

/** How the tuples of one subscription are spread over the tasks of the subscribing bolt. */
export type Grouping =
  | { kind: 'shuffle' }
  | { kind: 'fields'; fields: readonly string[] }
  | { kind: 'all' }
  | { kind: 'global' }
  | { kind: 'local-or-shuffle' };

/** A bolt reading one stream (by id) of one component. */
export interface Subscription {
  source: string;
  stream: string;
  grouping: Grouping;
}

/** A spout component of a built topology. */
export interface SpoutDefinition {
  kind: 'spout';
  id: string;
  parallelism: number;
  factory: () => Spout;
  /** Un-acked tuples per spout task before `nextTuple` stops being called; default: config. */
  maxPending?: number;
  /** Streams the spout emits on. */
  outputs: readonly Stream[];
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
  /** Streams the bolt emits on (none for a sink). */
  outputs: readonly Stream[];
}

/** A validated, immutable topology, as `TopologyBuilder.build()` returns it. */
export interface Topology {
  readonly name: string;
  readonly spouts: ReadonlyMap<string, SpoutDefinition>;
  readonly bolts: ReadonlyMap<string, BoltDefinition>;
  /** Every stream any component emits, by id (each id is one schema). */
  readonly streams: ReadonlyMap<string, Stream>;
  /** Bolts in an order where every bolt comes after its sources. */
  readonly boltOrder: readonly string[];
}
