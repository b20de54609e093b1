import { randomBytes } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../../pipeline/clients/elasticsearch.js';
import { loadConfig } from '../../../pipeline/config/config.js';
import { allIndices, INDEX_KEYS, names } from '../../../pipeline/contracts/names.js';
import { LARGE_INDEX_KEYS } from '../../../pipeline/setup/index-templates.js';
import { deleteIndices, indicesGreen, searchableCounts, setReplicas, setupIndices } from '../../../pipeline/setup/indices.js';

const config = loadConfig();
const n = names(`t-setup-${randomBytes(4).toString('hex')}`);
let es: Client;

beforeAll(() => {
  es = createElasticsearch(config);
});

afterAll(async () => {
  await deleteIndices(es, n);
  await es.close();
});

async function settingOf(index: string, name: string): Promise<unknown> {
  const settings = await es.indices.getSettings({ index, name, flat_settings: true });
  return settings[index]?.settings?.[name];
}

const refreshInterval = (index: string) => settingOf(index, 'index.refresh_interval');
const replicasOf = (index: string) => settingOf(index, 'index.number_of_replicas');
const mergePolicyOf = (index: string) => settingOf(index, 'index.merge.policy.type');
const shardsOf = (index: string) => settingOf(index, 'index.number_of_shards');

describe('index setup', () => {
  it('creates every index of a namespace, then on a second run gives existing indices the template refresh interval (search-idle default) and merge policy', async () => {
    const first = await setupIndices(es, n, { shards: 1, smallIndexShards: 1, replicas: 0 });
    expect(first.created.sort()).toEqual(allIndices(n).sort());
    // Standalone indices whose documents are rewritten merge by size, not by time (ARCHITECTURE.md, index).
    for (const key of INDEX_KEYS) expect(await mergePolicyOf(n.indices[key]), key).toBe('tiered');
    const index = n.indices.transactions;
    // An index created by an earlier release, whose template refreshed every second whether searched or
    // not, and left the merge policy to Elasticsearch (time-based, for an index that maps @timestamp).
    await es.indices.putSettings({ index, settings: { index: { refresh_interval: '1s', 'merge.policy.type': null } } } as Parameters<
      Client['indices']['putSettings']
    >[0]);
    expect(await refreshInterval(index)).toBe('1s');
    expect(await mergePolicyOf(index)).toBeUndefined();

    const second = await setupIndices(es, n, { shards: 1, smallIndexShards: 1, replicas: 0 });
    expect(second.created).toEqual([]);
    expect(second.existing).toContain(index);
    expect(await refreshInterval(index)).toBeUndefined();
    expect(await mergePolicyOf(index)).toBe('tiered');
  });

  it('adds new fields to an existing index, and leaves a field whose parameters the template changed as it was, naming it', async () => {
    const other = names(`t-setup-${randomBytes(4).toString('hex')}`);
    const index = other.indices.transactions;
    try {
      // The transactions index of an earlier release: txid indexed, and no price_time field yet.
      await es.indices.create({ index, mappings: { dynamic: 'strict', properties: { '@timestamp': { type: 'date' }, txid: { type: 'keyword' } } } });
      const result = await setupIndices(es, other, { shards: 1, smallIndexShards: 1, replicas: 0 });
      expect(result.existing).toContain(index);
      expect(result.kept).toEqual({ [index]: ['txid'] });
      const mapping = await es.indices.getMapping({ index });
      const properties = mapping[index]?.mappings.properties ?? {};
      expect(properties.txid).toEqual({ type: 'keyword' });
      expect(properties.price_time).toEqual({ type: 'date' });
      // A fresh index gets the template's mapping.
      expect((await es.indices.getMapping({ index: n.indices.transactions }))[n.indices.transactions]?.mappings.properties?.txid).toEqual({
        type: 'keyword',
        index: false,
      });
    } finally {
      await deleteIndices(es, other);
    }
  });

  it('sets the replicas of every index; a second setup gives them the configured replicas back (a rebuild that did not finish left 0)', async () => {
    await setupIndices(es, n, { shards: 1, smallIndexShards: 1, replicas: 1 });
    expect(await indicesGreen(es, n, '60s')).toBe(true);
    expect(await replicasOf(n.indices.transactions)).toBe('1');

    await setReplicas(es, n, 0);
    for (const key of INDEX_KEYS) expect(await replicasOf(n.indices[key]), key).toBe('0');

    await setupIndices(es, n, { shards: 1, smallIndexShards: 1, replicas: 2 });
    for (const key of INDEX_KEYS) expect(await replicasOf(n.indices[key]), key).toBe('2');
    expect(await indicesGreen(es, n, '60s')).toBe(true);
  });

  it('gives the indices that grow with every transaction their shards and every other index its own; an existing index keeps its shards, named', async () => {
    const other = names(`t-setup-${randomBytes(4).toString('hex')}`);
    try {
      const first = await setupIndices(es, other, { shards: 2, smallIndexShards: 1, replicas: 0 });
      expect(first.shards).toEqual({});
      for (const key of INDEX_KEYS) expect(await shardsOf(other.indices[key]), key).toBe(LARGE_INDEX_KEYS.has(key) ? '2' : '1');
      expect([...LARGE_INDEX_KEYS].sort()).toEqual(['pendingTransactions', 'transactions']);

      const second = await setupIndices(es, other, { shards: 3, smallIndexShards: 1, replicas: 0 });
      expect(second.shards).toEqual({
        [other.indices.transactions]: { current: 2, configured: 3 },
        [other.indices.pendingTransactions]: { current: 2, configured: 3 },
      });
      expect(await shardsOf(other.indices.transactions)).toBe('2');
    } finally {
      await deleteIndices(es, other);
    }
  });

  it('counts the documents of each index as a search sees them, leaving out an index that does not exist', async () => {
    const index = n.indices.prices;
    const operations = ['p1', 'p2', 'p3'].flatMap((id) => [{ index: { _index: index, _id: id } }, {}]);
    const written = await es.bulk({ operations, refresh: 'wait_for' });
    expect(written.errors).toBe(false);
    const counts = await searchableCounts(es, [index, `${n.namespace}-missing`]);
    expect(counts).toEqual(new Map([[index, 3]]));
  });
});
