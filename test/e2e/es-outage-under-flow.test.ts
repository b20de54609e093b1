import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { CutProxy } from '../support/cut-proxy.js';
import { deadLettersOfRun } from '../support/dead-letter-count.js';
import { itEndsWithTheGroundTruth, readGroundTruth } from '../support/ground-truth.js';
import { type PipelineRun, runPipelineOnData, workerExits } from '../support/run-pipeline.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Elasticsearch vanishes for the topology while the recorded data flows: the workers reach the
 * cluster through proxies that are cut (every connection reset, new ones refused) once some
 * transactions are indexed, and restored 30 s later. Nothing may be dead-lettered, and the results
 * must be exactly the data set's ground truth, computed outside this project.
 */

const DATA_DIR = '../shared/data';
const OUTAGE_MS = 30_000;
const truth = readGroundTruth(DATA_DIR);
const namespace = `e2eo${Math.random().toString(36).slice(2, 8)}`;
let run: PipelineRun;
let es: Client;
let proxies: CutProxy[] = [];
let docsAtCut = -1;

beforeAll(async () => {
  es = createElasticsearch((await import('../../pipeline/config/config.js')).loadConfig());
  proxies = es.connectionPool.connections.map((c) => new CutProxy({ host: c.url.hostname, port: Number(c.url.port) }));
  await Promise.all(proxies.map((p) => p.start()));
  run = await runPipelineOnData({
    dataDir: DATA_DIR,
    namespace,
    workers: 2,
    workerEnv: { ES_NODES: proxies.map((p) => p.url).join(',') },
    async afterPublish(r) {
      // Cut once the topology is writing transactions, i.e. in the middle of the flow.
      await waitFor(async () => (await es.count({ index: r.names.indices.transactions }).catch(() => ({ count: 0 }))).count > 500, {
        timeoutMs: 300_000,
        what: 'transactions being indexed',
      });
      docsAtCut = (await es.count({ index: r.names.indices.transactions })).count;
      await Promise.all(proxies.map((p) => p.cut()));
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      await Promise.all(proxies.map((p) => p.restore()));
    },
  });
}, 900_000);

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await run?.stop();
  await es?.close();
});

describe('Elasticsearch unreachable for 30 s while the recorded data flows', () => {
  it('was cut in the middle of the flow', () => {
    expect(docsAtCut).toBeGreaterThan(500);
    expect(docsAtCut).toBeLessThan(truth.blocks.reduce((s, b) => s + b.n_tx, 0));
  });

  it('keeps every worker running: none ran out of memory while the sink was away', () => {
    expect(workerExits(run.workers)).toEqual(run.workers.map(() => 'running'));
  });

  it('dead-letters nothing: an unreachable sink is never bad input', async () => {
    expect(await deadLettersOfRun(run)).toBe(0);
  });

  itEndsWithTheGroundTruth(() => ({ es, names: run.names }), truth);
});
