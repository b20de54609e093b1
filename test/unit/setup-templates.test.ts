import { describe, expect, it } from 'vitest';
import { allIndices, INDEX_KEYS, names } from '../../pipeline/contracts/names.js';
import { namespacedTemplates, namespaceTemplate, shardSettings, templateName, type IndexTemplate } from '../../pipeline/setup/index-templates.js';

const template: IndexTemplate = {
  index_patterns: ['btc-volume-hourly', 'other-*'],
  priority: 200,
  _meta: { schema_version: 1 },
  template: {
    settings: { index: { number_of_shards: 3, number_of_replicas: 2, refresh_interval: '1s' } },
    mappings: { dynamic: 'strict', properties: { '@timestamp': { type: 'date' } } },
  },
};

describe('namespaceTemplate', () => {
  it('moves btc- patterns to the namespace and leaves others alone', () => {
    const out = namespaceTemplate(template, 't-3f9a', { shards: 1, replicas: 0 });
    expect(out.index_patterns).toEqual(['t-3f9a-volume-hourly', 'other-*']);
  });

  it('takes shards and replicas from config and keeps other settings', () => {
    const out = namespaceTemplate(template, 'btc', { shards: 5, replicas: 1 });
    expect(out.template.settings?.index).toEqual({ number_of_shards: 5, number_of_replicas: 1, refresh_interval: '1s' });
  });

  it('keeps mappings, priority and metadata, and records the namespace', () => {
    const out = namespaceTemplate(template, 'ns1', { shards: 3, replicas: 2 });
    expect(out.template.mappings).toEqual(template.template.mappings);
    expect(out.priority).toBe(200);
    expect(out._meta).toEqual({ schema_version: 1, namespace: 'ns1' });
  });

  it('does not modify its input', () => {
    const before = structuredClone(template);
    namespaceTemplate(template, 'ns2', { shards: 1, replicas: 1 });
    expect(template).toEqual(before);
  });

  it('adds index settings to a template that has none', () => {
    const bare: IndexTemplate = { index_patterns: ['btc-prices'], template: {} };
    expect(namespaceTemplate(bare, 'x', { shards: 2, replicas: 1 }).template.settings).toEqual({ index: { number_of_shards: 2, number_of_replicas: 1 } });
  });

  it('names the template after the namespaced index, which its pattern matches', () => {
    const n = names('t-77');
    const out = namespaceTemplate({ ...template, index_patterns: ['btc-volume-hourly'] }, n.namespace, { shards: 1, replicas: 0 });
    expect(templateName(n, 'volumeHourly')).toBe('t-77-volume-hourly');
    expect(out.index_patterns).toEqual([n.indices.volumeHourly]);
  });
});

describe('shardSettings', () => {
  const settings = { shards: 3, smallIndexShards: 1, replicas: 2 };

  it('gives the indices that grow with every transaction the configured shards, and every other index the small-index shards', () => {
    const n = names('ns-5');
    const templates = namespacedTemplates(n, settings);
    const shards = Object.fromEntries(INDEX_KEYS.map((key) => [key, templates.get(key)?.template.settings?.index?.number_of_shards]));
    expect(shards).toEqual({ transactions: 3, pendingTransactions: 3, prices: 1, blocks: 1, volumeHourly: 1, minersDaily: 1, minersMonthly: 1 });
    for (const key of INDEX_KEYS) expect(templates.get(key)?.template.settings?.index?.number_of_replicas, key).toBe(2);
  });

  it('keeps the replicas of the config for every index', () => {
    expect(shardSettings('prices', { shards: 4, smallIndexShards: 2, replicas: 1 })).toEqual({ shards: 2, replicas: 1 });
    expect(shardSettings('transactions', { shards: 4, smallIndexShards: 2, replicas: 1 })).toEqual({ shards: 4, replicas: 1 });
  });
});

describe('allIndices', () => {
  it('names every index of the namespace once, in INDEX_KEYS order', () => {
    const n = names('ns-4');
    const all = allIndices(n);
    expect(all).toHaveLength(INDEX_KEYS.length);
    expect(new Set(all).size).toBe(all.length);
    expect(all.every((index) => index.startsWith('ns-4-'))).toBe(true);
    expect(all[INDEX_KEYS.indexOf('volumeHourly')]).toBe(n.indices.volumeHourly);
  });
});
