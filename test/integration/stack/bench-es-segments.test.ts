import { randomBytes } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentsPerShardCopy } from '../../../bench/es-merges.js';
import { createElasticsearch } from '../../../pipeline/clients/elasticsearch.js';
import { loadConfig } from '../../../pipeline/config/config.js';

const config = loadConfig();
const index = `t-segments-${randomBytes(4).toString('hex')}`;
let es: Client;

beforeAll(() => {
  es = createElasticsearch(config);
});

afterAll(async () => {
  await es.indices.delete({ index, ignore_unavailable: true });
  await es.close();
});

describe('segmentsPerShardCopy (the bench)', () => {
  it('reads the most segments any shard copy holds, as _cat/segments lists them', async () => {
    expect(await segmentsPerShardCopy(es, index).catch(() => 'missing')).toBe('missing');
    // No merging, so that each refresh leaves its own segment in the shards it wrote to.
    await es.indices.create({
      index,
      settings: {
        number_of_shards: 2,
        number_of_replicas: 1,
        'merge.scheduler.max_thread_count': 1,
        'merge.policy.floor_segment': '1b',
        'merge.policy.segments_per_tier': 50,
      },
    });
    await es.cluster.health({ index, wait_for_status: 'green', timeout: '60s' });
    for (let round = 0; round < 4; round += 1) {
      await es.bulk({
        refresh: true,
        operations: Array.from({ length: 20 }, (_, i) => [{ index: { _index: index, _id: `${round}-${i}` } }, { round, i }]).flat(),
      });
    }

    const listed = await es.cat.segments({ index, format: 'json', h: 'shard,prirep,segment' });
    const perCopy = new Map<string, number>();
    for (const { shard, prirep } of listed) {
      const copy = `${shard}/${prirep}`;
      perCopy.set(copy, (perCopy.get(copy) ?? 0) + 1);
    }
    expect(perCopy.size).toBe(4);
    const most = Math.max(...perCopy.values());
    expect(most).toBeGreaterThanOrEqual(2);
    expect(await segmentsPerShardCopy(es, index)).toBe(most);
  });
});
