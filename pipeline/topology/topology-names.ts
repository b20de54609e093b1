import type { Names, RawFeed } from '../contracts/names.js';

/**
 * Names the analytics topology derives from `names(namespace)`: its consumer groups and the
 * prefix of its Redis state. Every other module takes them from here.
 */
export interface TopologyNames {
  /** Topology name (prefix of the runtime's queues and keys). */
  topology: string;
  /** Consumer group of the spout on each raw topic. */
  consumerGroups: Readonly<Record<RawFeed, string>>;
  /**
   * Prefix of every key of the analytics state (see `analytics-state.ts`, which lists the keys
   * under it; the Lua scripts build per-block and per-bucket keys from it).
   */
  statePrefix: string;
  /** Sorted set of aggregates waiting to be rendered (member: aggregate key, score: when eligible). */
  dirtyKey: string;
}

/** The topology's names under `n`. */
export function topologyNames(n: Names): TopologyNames {
  const statePrefix = `${n.redisPrefix}analytics:`;
  return {
    topology: n.topology,
    consumerGroups: {
      blocks: `${n.topology}.blocks`,
      transactions: `${n.topology}.transactions`,
      prices: `${n.topology}.prices`,
    },
    statePrefix,
    dirtyKey: `${statePrefix}dirty`,
  };
}
