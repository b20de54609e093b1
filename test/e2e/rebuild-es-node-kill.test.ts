import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { createKafka } from '../../pipeline/clients/kafka.js';
import { createRedis } from '../../pipeline/clients/redis.js';
import { processingProgress } from '../../pipeline/topology/processing-progress.js';
import { stopChild } from '../../ops/worker-processes.js';
import { killNodesFor } from '../../ops/fault/scenarios/stack-node-fault.js';
import { itEndsWithTheGroundTruth, readGroundTruth } from '../support/ground-truth.js';
import { deadLettersOfRun } from '../support/dead-letter-count.js';
import { type CommandResult, runCommand } from '../support/run-command.js';
import { type PipelineRun, runPipelineOnData } from '../support/run-pipeline.js';
import { waitFor } from '../support/wait-for.js';

/**
 * `npm run rebuild` loads the indices without replicas, so a node that dies during it takes the
 * only copy of its shards away until it is back. After a pipeline run on the recorded data, the
 * rebuild runs while the Elasticsearch node holding a primary of the transactions index (not the
 * master) is SIGKILLed once 1,000 transactions are written (acknowledged, with their offsets
 * committed) and records are still to be written, and started again 30 s later. The rebuild must
 * end with every replica back and results exactly the data set's ground truth, computed outside
 * this project, with nothing dead-lettered.
 */

const DATA_DIR = '../shared/data';
const DOWN_SECONDS = 30;
const truth = readGroundTruth(DATA_DIR);
const namespace = `e2erk${Math.random().toString(36).slice(2, 7)}`;
let run: PipelineRun;
let es: Client;
let rebuild: CommandResult;
let docsAtKill = -1;
let lagAtKill = -1;
let killed = '';

/** Records of the raw topics that the rebuild's consumer groups have not committed yet. */
async function recordsNotCommitted(r: PipelineRun): Promise<number> {
  const admin = createKafka(r.config, { clientIdSuffix: 'e2e-rebuild-kill-progress' }).admin();
  const redis = createRedis(r.config);
  await admin.connect();
  try {
    return (await processingProgress(admin, redis, r.names)).lag;
  } finally {
    await admin.disconnect();
    redis.disconnect();
  }
}

/** The stack's index (1-3) of a node that holds a primary of `index` and is not the elected master. */
async function primaryHolder(index: string): Promise<number> {
  const [master] = await es.cat.master({ format: 'json' });
  const shards = await es.cat.shards({ index, format: 'json', h: 'prirep,state,node' });
  const nodes = shards.filter((s) => s.prirep === 'p' && s.state === 'STARTED' && s.node !== master?.node).map((s) => String(s.node));
  const node = nodes[0];
  if (node === undefined) throw new Error(`no started primary of ${index} outside the master ${master?.node}: ${JSON.stringify(shards)}`);
  // Node names of the local stack are es1..es3 (process ids es-1..es-3).
  return Number(/(\d+)$/.exec(node)?.[1]);
}

beforeAll(async () => {
  run = await runPipelineOnData({ dataDir: DATA_DIR, namespace, workers: 2 });
  es = createElasticsearch(run.config);
  await Promise.all(run.workers.map(stopChild));
  const env = { ...process.env, NAMESPACE: namespace, POOLS_FILE: join(DATA_DIR, 'pools', 'pools-v2.json'), LOG_LEVEL: 'warn' };
  const index = run.names.indices.transactions;
  // Deleted first, so that the count below sees only the rebuild's documents.
  await es.indices.delete({ index: Object.values(run.names.indices) });
  const rebuilding = runCommand('rebuild.ts', [], env);
  await waitFor(async () => (await es.count({ index }).catch(() => ({ count: 0 }))).count > 1_000, {
    timeoutMs: 300_000,
    intervalMs: 50,
    what: 'the rebuild writing transactions',
  });
  docsAtKill = (await es.count({ index })).count;
  lagAtKill = await recordsNotCommitted(run);
  killed = await killNodesFor('es', [await primaryHolder(index)], DOWN_SECONDS, (step) => process.stdout.write(`${step}\n`));
  rebuild = await rebuilding;
}, 1_500_000);

afterAll(async () => {
  await run?.stop();
  await es?.close();
});

describe('an Elasticsearch node killed during a rebuild (indices without replicas)', () => {
  it('was killed after transactions were written to its only copies, with records still to write, and the rebuild finished', () => {
    process.stdout.write(`${killed}; at the kill ${docsAtKill} transactions indexed, ${lagAtKill} records not committed\n${rebuild.stdout}\n`);
    expect(docsAtKill).toBeGreaterThan(1_000);
    expect(lagAtKill).toBeGreaterThan(0);
    expect(rebuild.code, `${rebuild.stdout}\n${rebuild.stderr}`).toBe(0);
  });

  it('gave every index its replicas back', async () => {
    const indices = Object.values(run.names.indices);
    const replicas = await es.indices.getSettings({ index: indices, name: 'index.number_of_replicas', flat_settings: true });
    for (const index of indices) expect(replicas[index]?.settings?.['index.number_of_replicas'], index).toBe(String(run.config.elasticsearch.replicas));
    expect((await es.cluster.health({ index: indices, wait_for_status: 'green', timeout: '60s' })).status).toBe('green');
  });

  it('dead-letters nothing', async () => {
    expect(await deadLettersOfRun(run)).toBe(0);
  });

  itEndsWithTheGroundTruth(() => ({ es, names: run.names }), truth);
});
