import { randomBytes } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import kafkajs, { type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../../pipeline/clients/elasticsearch.js';
import { createKafka } from '../../../pipeline/clients/kafka.js';
import { createRedis } from '../../../pipeline/clients/redis.js';
import { loadConfig } from '../../../pipeline/config/config.js';
import { allIndices, INDEX_KEYS, names, RAW_FEEDS, type Names } from '../../../pipeline/contracts/names.js';
import { LARGE_INDEX_KEYS } from '../../../pipeline/setup/index-templates.js';
import { runSetup, teardown } from '../../../pipeline/setup/index.js';

// Not a named export under Node's ESM loader (kafkajs builds its exports at run time).
const { ConfigResourceTypes } = kafkajs;

const config = loadConfig();
const ns = names(`t-health-${randomBytes(4).toString('hex')}`);
let admin: Admin;
let es: Client;
let redis: Redis;

async function topicConfig(topic: string): Promise<Record<string, string>> {
  const described = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
  return Object.fromEntries((described.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
}

async function expectDurableTopics(n: Names): Promise<void> {
  const raw = RAW_FEEDS.map((f) => n.topics[f]);
  const meta = await admin.fetchTopicMetadata({ topics: raw });
  for (const topic of meta.topics) {
    expect(topic.partitions, topic.name).toHaveLength(config.kafka.partitions);
    for (const p of topic.partitions) {
      expect(p.replicas, `${topic.name}/${p.partitionId}`).toHaveLength(3);
      expect(p.isr, `${topic.name}/${p.partitionId}`).toHaveLength(3);
    }
    const settings = await topicConfig(topic.name);
    expect(settings['min.insync.replicas']).toBe('2');
    expect(settings['retention.ms']).toBe('-1');
  }
}

beforeAll(async () => {
  admin = createKafka(config, { clientIdSuffix: 'test-health' }).admin();
  await admin.connect();
  es = createElasticsearch(config);
  redis = createRedis(config);
  await runSetup(config, { namespace: ns.namespace });
});

afterAll(async () => {
  await teardown(admin, es, ns);
  await admin.disconnect();
  await es.close();
  redis.disconnect();
});

describe('kafka', () => {
  it('has three brokers in the cluster metadata', async () => {
    const { brokers } = await admin.describeCluster();
    expect(brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
  });

  it('holds the default namespace topics with 9 partitions, 3 replicas, 3 in sync, min.insync.replicas=2', async () => {
    await expectDurableTopics(names(config.namespace));
  });

  it('creates the same layout for a fresh namespace, dead-letter topics included', async () => {
    await expectDurableTopics(ns);
    const topics = await admin.listTopics();
    for (const feed of RAW_FEEDS) expect(topics).toContain(ns.deadLetter[feed]);
    expect((await topicConfig(ns.deadLetter.blocks))['min.insync.replicas']).toBe('2');
  });

  it('refuses to create topics implicitly', async () => {
    const settings = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '1' }], includeSynonyms: false });
    const entry = settings.resources[0]?.configEntries.find((e) => e.configName === 'auto.create.topics.enable');
    expect(entry?.configValue).toBe('false');
  });
});

describe('setup', () => {
  it('is idempotent: a second run creates nothing', async () => {
    const again = await runSetup(config, { namespace: ns.namespace });
    expect(again.topics.created).toEqual([]);
    expect(again.indices.created).toEqual([]);
    expect(again.topics.existing).toHaveLength(6);
  });
});

describe('elasticsearch', () => {
  it('is green with three nodes', async () => {
    const health = await es.cluster.health({ wait_for_status: 'green', wait_for_nodes: '3', timeout: '60s' });
    expect(health.status).toBe('green');
    expect(health.number_of_nodes).toBe(3);
  });

  it('has the namespaced index templates with the configured shards and replicas', async () => {
    const { index_templates: templates } = await es.indices.getIndexTemplate({ name: `${ns.namespace}-*` });
    expect(templates.map((t) => t.name).sort()).toEqual(allIndices(ns).sort());
    for (const key of INDEX_KEYS) {
      const t = templates.find((candidate) => candidate.name === ns.indices[key]);
      expect(t?.index_template.index_patterns, key).toEqual([ns.indices[key]]);
      const shards = LARGE_INDEX_KEYS.has(key) ? config.elasticsearch.shards : config.elasticsearch.smallIndexShards;
      expect(t?.index_template.template?.settings?.index?.number_of_shards, key).toBe(String(shards));
      expect(t?.index_template.template?.settings?.index?.number_of_replicas, key).toBe(String(config.elasticsearch.replicas));
    }
  });

  it('created every index of the namespace from its template, empty', async () => {
    for (const key of INDEX_KEYS) {
      const index = ns.indices[key];
      const settings = await es.indices.getSettings({ index });
      expect(settings[index]?.settings?.index?.number_of_replicas).toBe(String(config.elasticsearch.replicas));
      const mapping = await es.indices.getMapping({ index });
      expect(mapping[index]?.mappings.dynamic).toBe('strict');
      expect((await es.count({ index })).count).toBe(0);
    }
  });
});

describe('redis', () => {
  it('answers PING with noeviction and AOF on', async () => {
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await redis.config('GET', 'port')).toEqual(['port', '6380']);
  });
});
