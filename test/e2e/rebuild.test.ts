import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { createKafka } from '../../pipeline/clients/kafka.js';
import { createRedis } from '../../pipeline/clients/redis.js';
import { allIndices, INDEX_KEYS } from '../../pipeline/contracts/names.js';
import { namespaceIndices } from '../../pipeline/setup/index.js';
import { stopChild } from '../../ops/worker-processes.js';
import { runCommand } from '../support/run-command.js';
import { type PipelineRun, runPipelineOnData } from '../support/run-pipeline.js';

/**
 * `npm run rebuild`: after the pipeline ran on data/sample, the command refuses while the workers
 * run; once they stopped and every index of the namespace was deleted, it restores every
 * document with the same id and content, from the raw topics, which it leaves as they were, gives
 * the indices their replicas back, and leaves the producers' Redis keys alone.
 */

const DATA_DIR = 'data/sample';
const namespace = `rb${randomBytes(3).toString('hex')}`;
let run: PipelineRun;
let es: Client;
let admin: Admin;
let redis: Redis;
let env: NodeJS.ProcessEnv;

type Snapshot = Map<string, Map<string, { version: number; source: unknown }>>;

/** Every document of every index of the namespace: id, external version, source. */
async function snapshot(): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const key of INDEX_KEYS) {
    const index = run.names.indices[key];
    await es.indices.refresh({ index });
    const docs = new Map<string, { version: number; source: unknown }>();
    let response = await es.search({ index, size: 5000, scroll: '1m', version: true, query: { match_all: {} } });
    while (response.hits.hits.length > 0) {
      for (const h of response.hits.hits) docs.set(h._id as string, { version: h._version as number, source: h._source });
      response = await es.scroll({ scroll_id: response._scroll_id as string, scroll: '1m' });
    }
    out.set(index, docs);
  }
  return out;
}

async function rawOffsets(): Promise<unknown> {
  return Promise.all(Object.values(run.names.topics).map(async (t) => [t, await admin.fetchTopicOffsets(t)]));
}

beforeAll(async () => {
  run = await runPipelineOnData({ dataDir: DATA_DIR, namespace, workers: 2 });
  env = { ...process.env, NAMESPACE: namespace, POOLS_FILE: join(DATA_DIR, 'pools', 'pools-v2.json'), LOG_LEVEL: 'warn' };
  es = createElasticsearch(run.config);
  admin = createKafka(run.config, { clientIdSuffix: 'rebuild-test' }).admin();
  await admin.connect();
  redis = createRedis(run.config);
});

afterAll(async () => {
  redis?.disconnect();
  await admin?.disconnect();
  await es?.close();
  await run?.stop();
});

describe('npm run rebuild', () => {
  it('refuses while topology workers run', async () => {
    const result = await runCommand('rebuild.ts', [], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refused');
    expect(result.stderr).toContain(`${run.names.topology}.`);
    expect((await es.count({ index: run.names.indices.transactions })).count).toBe(run.replay.events.transactions);
  });

  it('restores every document of every index, identical, from the raw topics', async () => {
    await Promise.all(run.workers.map(stopChild));
    const before = await snapshot();
    const offsets = await rawOffsets();
    expect(before.get(run.names.indices.transactions)?.size).toBeGreaterThan(0);
    await redis.hset(run.names.producerKeys.blocksCursor, { height: '42', hash: 'kept' });
    const indices = await namespaceIndices(es, run.names);
    expect(indices).toEqual(allIndices(run.names).sort());
    await es.indices.delete({ index: indices });

    const result = await runCommand('rebuild.ts', [], env);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const rate = /rebuilt ([\d,]+) records in [\d:]+: ([\d,]+) records\/s/.exec(result.stdout);
    expect(rate, result.stdout).not.toBeNull();
    process.stdout.write(`rebuild on ${DATA_DIR}: ${rate?.[0]}\n`);

    const after = await snapshot();
    const versionsDiffer: Record<string, number> = {};
    for (const [index, docs] of before) {
      const rebuilt = after.get(index) as Map<string, { version: number; source: unknown }>;
      expect([...rebuilt.keys()].sort(), index).toEqual([...docs.keys()].sort());
      for (const [id, d] of docs) expect({ index, id, source: rebuilt.get(id)?.source }).toEqual({ index, id, source: d.source });
      versionsDiffer[index] = [...docs].filter(([id, d]) => rebuilt.get(id)?.version !== d.version).length;
    }
    process.stdout.write(`documents whose external version differs after the rebuild, per index: ${JSON.stringify(versionsDiffer)}\n`);
    // Loaded without replicas, then given the configured ones back: every copy started.
    expect(result.stdout).toContain(`giving the indices their ${run.config.elasticsearch.replicas} replica(s) back`);
    const replicas = await es.indices.getSettings({ index: indices, name: 'index.number_of_replicas', flat_settings: true });
    for (const index of indices) expect(replicas[index]?.settings?.['index.number_of_replicas'], index).toBe(String(run.config.elasticsearch.replicas));
    expect((await es.cluster.health({ index: indices })).status).toBe('green');
    expect(await rawOffsets()).toEqual(offsets);
    expect(await redis.hgetall(run.names.producerKeys.blocksCursor)).toEqual({ height: '42', hash: 'kept' });
  });
});
