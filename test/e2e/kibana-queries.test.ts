import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe } from 'vitest';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { loadConfig } from '../../pipeline/config/config.js';
import { INDEX_KEYS, names } from '../../pipeline/contracts/names.js';
import { DATA_DIR, dashboardQueryTests } from '../integration/kibana/dashboard-query-checks.js';

/**
 * Every Elasticsearch query embedded in the shipped dashboards, run against the real cluster after
 * the pipeline has processed the recorded data, gives the numbers of ../shared/data/expected.
 * The pipeline is run by the shared helper `runPipelineOnData` (test/support/run-pipeline.ts),
 * which indexes a data directory into a fresh namespace and resolves when every event is processed.
 */

interface PipelineRun {
  stop(): Promise<void>;
}
type RunPipelineOnData = (options: { dataDir: string; namespace: string }) => Promise<PipelineRun>;

async function loadPipelineHelper(): Promise<RunPipelineOnData> {
  // A computed specifier: the helper belongs to the topology's test support and is resolved at run time.
  const specifier = ['..', 'support', 'run-pipeline.js'].join('/');
  const mod = (await import(specifier)) as { runPipelineOnData?: RunPipelineOnData };
  if (typeof mod.runPipelineOnData !== 'function') {
    throw new Error('test/support/run-pipeline.ts must export runPipelineOnData({ dataDir, namespace }) that indexes a data directory');
  }
  return mod.runPipelineOnData;
}

const namespace = `kib${Math.random().toString(36).slice(2, 8)}`;
const indices = INDEX_KEYS.map((k) => names(namespace).indices[k]);
let client: Client;
let run: PipelineRun | undefined;

beforeAll(async () => {
  client = createElasticsearch(loadConfig({ ...process.env, NAMESPACE: namespace }));
  const runPipelineOnData = await loadPipelineHelper();
  run = await runPipelineOnData({ dataDir: DATA_DIR, namespace });
  await client.indices.refresh({ index: indices });
});

afterAll(async () => {
  await run?.stop();
  await client?.indices.delete({ index: indices, ignore_unavailable: true });
  await client?.close();
});

describe('dashboard queries on the recorded data indexed by the pipeline', () => {
  dashboardQueryTests(() => ({
    namespace,
    search: async (index, body) => (await client.search({ index, ...body })) as unknown as Record<string, any>,
  }));
});
