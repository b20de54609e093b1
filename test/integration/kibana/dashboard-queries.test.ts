import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe } from 'vitest';
import { createElasticsearch } from '../../../pipeline/clients/elasticsearch.js';
import { loadConfig } from '../../../pipeline/config/config.js';
import { allIndices, names } from '../../../pipeline/contracts/names.js';
import { dashboardQueryTests, indexContractDocuments } from './dashboard-query-checks.js';

/**
 * The dashboard queries on this project's real Elasticsearch (no scripts, core aggregations only),
 * over documents written from the expected results in the shape of the index contract, without the
 * pipeline: proves that each query runs here and reads what the contract stores. The e2e test runs
 * the same checks on what the pipeline writes.
 */

const namespace = `kiq${Math.random().toString(36).slice(2, 8)}`;
let client: Client;

beforeAll(async () => {
  client = createElasticsearch(loadConfig({ ...process.env, NAMESPACE: namespace }));
  await indexContractDocuments(client, namespace);
});

afterAll(async () => {
  await client?.indices.delete({ index: allIndices(names(namespace)), ignore_unavailable: true });
  await client?.close();
});

describe('dashboard queries on the real Elasticsearch over contract-shaped documents', () => {
  dashboardQueryTests(() => ({
    namespace,
    search: async (index, body) => (await client.search({ index, ...body })) as unknown as Record<string, any>,
  }));
});
