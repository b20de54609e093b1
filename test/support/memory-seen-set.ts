import type { SeenSet } from '../../producers/mempool-feed.js';

/** A `SeenSet` in memory: what a fresh producer (or an expired dedup key) starts from. */
export function memorySeenSet(): SeenSet {
  const seen = new Set<string>();
  return { unseen: async (txids) => txids.filter((t) => !seen.has(t)), add: async (txids) => void txids.forEach((t) => seen.add(t)) };
}
