import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { createKafka } from '../../pipeline/clients/kafka.js';
import { createRedis } from '../../pipeline/clients/redis.js';
import { loadConfig } from '../../pipeline/config/config.js';
import { names } from '../../pipeline/contracts/names.js';
import { PIPELINE_APPS, pm2Processes } from '../../ops/demo/pipeline-apps.js';
import { freePort } from '../../ops/demo/port-probe.js';
import { teardown } from '../../pipeline/setup/index.js';
import { RecordedFeedData } from '../../producers/feed-server/recorded-feed-data.js';
import { deleteKeys } from '../../pipeline/clients/delete-keys.js';
import { deadLetterRecords } from '../support/dead-letter-count.js';
import { type CommandResult, runCommand } from '../support/run-command.js';

/**
 * `npm run demo` on the sample shipped in the repo, twice in a row, in a fresh namespace and its own
 * pm2 home: the first run ends with every recorded block and transaction in Elasticsearch and the
 * apps running; the second changes no document (same `_version`, `_seq_no`, `_primary_term` for
 * every document of every index), although the apps restart and the mempool producer keeps
 * publishing unconfirmed transactions meanwhile (only new pending-transaction documents appear).
 */

const DATA_DIR = 'data/sample';
const namespace = `e2edemo${Math.random().toString(36).slice(2, 8)}`;
const n = names(namespace);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NAMESPACE: namespace,
  PM2_HOME: resolve('.run', 'e2e', namespace, 'pm2'),
  LOG_LEVEL: 'warn',
};
const config = loadConfig(env);
let feedPort: number;
let es: Client;
let redis: Redis;
let admin: Admin;

function runDemo(): Promise<CommandResult> {
  return runCommand('demo.ts', ['--data', DATA_DIR, '--feed-port', String(feedPort), '--timeout', '800'], env);
}

/** `_version:_seq_no:_primary_term` of every document of the namespace's indices, by index and id. */
async function versions(): Promise<Map<string, string>> {
  const index = `${namespace}-*`;
  await es.indices.refresh({ index });
  const out = new Map<string, string>();
  let response = await es.search({ index, size: 5000, scroll: '1m', version: true, seq_no_primary_term: true, query: { match_all: {} } });
  while (response.hits.hits.length > 0) {
    for (const h of response.hits.hits) out.set(`${h._index}/${h._id}`, `${h._version}:${h._seq_no}:${h._primary_term}`);
    response = await es.scroll({ scroll_id: response._scroll_id as string, scroll: '1m' });
  }
  return out;
}

beforeAll(async () => {
  feedPort = await freePort();
  // The demo's ui app must not compete for the default 8080 with another run on the machine.
  env.UI_PORT = String(await freePort());
  es = createElasticsearch(config);
  redis = createRedis(config);
  admin = createKafka(config, { clientIdSuffix: 'e2e-demo' }).admin();
  await admin.connect();
});

afterAll(async () => {
  const require = createRequire(import.meta.url);
  spawnSync(process.execPath, [require.resolve('pm2/bin/pm2'), 'kill'], { env, stdio: 'ignore' });
  try {
    await teardown(admin, es, n);
    await deleteKeys(redis, [`${n.redisPrefix}*`, `rt:${n.topology}*`, `${n.producerQueuePrefix}:*`]);
  } finally {
    await admin.disconnect();
    await es.close();
    redis.disconnect();
  }
});

describe('npm run demo', () => {
  it('processes the sample through the feed server, producers and workers; a second run changes no document', async () => {
    const data = await RecordedFeedData.load(DATA_DIR);

    const first = await runDemo();
    expect(first.stderr).not.toMatch(/not done/);
    expect(first.code).toBe(0);
    for (const title of [
      'BTC-EUR price at each block',
      'Hourly volume and largest transaction',
      'Mining pools per UTC day',
      'Mining pools per UTC month',
      'Pending (unconfirmed) volume',
    ]) {
      expect(first.stdout).toContain(title);
    }
    const before = await versions();
    const ids = (index: string) => [...before.keys()].filter((k) => k.startsWith(`${index}/`)).map((k) => k.slice(index.length + 1));
    expect(ids(n.indices.blocks).sort()).toEqual(data.blocks.map((b) => b.hash).sort());
    expect(ids(n.indices.transactions)).toHaveLength(data.blocks.reduce((s, b) => s + b.txCount, 0));
    expect(ids(n.indices.prices).length).toBeGreaterThan(0);
    expect(await deadLetterRecords(admin, n)).toBe(0);

    const running = pm2Processes(env).filter((p) => PIPELINE_APPS.includes(p.name));
    expect(new Set(running.map((p) => p.name))).toEqual(new Set(PIPELINE_APPS));
    expect(running.every((p) => p.status === 'online')).toBe(true);

    // The mempool producer goes on publishing: only the pending index may gain documents.
    const pending = `${n.indices.pendingTransactions}/`;
    expect(ids(n.indices.pendingTransactions).length).toBeGreaterThan(0);

    const second = await runDemo();
    expect(second.code).toBe(0);
    const after = await versions();
    const added = [...after.keys()].filter((key) => !before.has(key));
    expect(added.filter((key) => !key.startsWith(pending))).toEqual([]);
    const changed = [...before].filter(([key, version]) => after.get(key) !== version).map(([key]) => key);
    expect(changed).toEqual([]);
  });
});
