import type { Client } from '@elastic/elasticsearch';

const MERGES_TIMEOUT_MS = 2_000;

/**
 * Documents that Elasticsearch is merging right now, summed over its nodes (every copy of a shard
 * merges its own segments). A large merge keeps a core busy for seconds: read beside the Kafka lag,
 * it tells whether a lag surge coincided with the cluster's own housekeeping.
 */
export async function mergingDocs(es: Client): Promise<number> {
  // Read beside each lag reading, which waits for it: a slow answer must not hold the lag back.
  const stats = await es.nodes.stats(
    { metric: 'indices', index_metric: 'merge', filter_path: 'nodes.*.indices.merges.current_docs' },
    { requestTimeout: MERGES_TIMEOUT_MS, maxRetries: 0 },
  );
  return Object.values(stats.nodes ?? {}).reduce((sum, node) => sum + (node.indices?.merges?.current_docs ?? 0), 0);
}

/**
 * The most segments any copy of `index`'s shards holds now (null when the index has none). A
 * merge policy that lets them pile up merges many at once later; read at the end of a load, it
 * shows how much merging the index has left ahead.
 */
export async function segmentsPerShardCopy(es: Client, index: string): Promise<number | null> {
  const stats = await es.indices.stats({ index, metric: 'segments', level: 'shards' }, { requestTimeout: MERGES_TIMEOUT_MS, maxRetries: 0 });
  const copies = Object.values(stats.indices?.[index]?.shards ?? {}).flat();
  const counts = copies.map((copy) => copy.segments?.count ?? 0);
  return counts.length === 0 ? null : Math.max(...counts);
}
