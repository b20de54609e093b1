import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { allIndices } from '../../pipeline/contracts/names.js';
import { DATA_DIR, dashboardQueryTests } from '../integration/kibana/dashboard-query-checks.js';
import { earliestSightings, pendingSightings, publishPendingSightings } from '../support/pending-sightings.js';
import { runPipelineOnData, type PipelineRun } from '../support/run-pipeline.js';

/**
 * Every Elasticsearch query embedded in the shipped dashboards, run against the real cluster after
 * the pipeline has processed the recorded data in a fresh namespace, gives the numbers of
 * ../shared/data/expected (index names of the queries moved to that namespace). The mempool
 * producer's code publishes the recorded unconfirmed transactions beside it, some of them twice.
 */

const namespace = `kib${Math.random().toString(36).slice(2, 8)}`;
let run: PipelineRun | undefined;
let client: Client | undefined;
let pendingPublished = 0;

beforeAll(async () => {
  // Keep the handle as soon as the workers run, so that afterAll stops them even if waiting fails.
  const done = await runPipelineOnData({
    dataDir: DATA_DIR,
    namespace,
    afterPublish: async (started) => {
      run = started;
      pendingPublished = await publishPendingSightings(started.config, started.names, pendingSightings(DATA_DIR));
    },
  });
  run = done;
  client = createElasticsearch(done.config);
  await client.indices.refresh({ index: allIndices(done.names) });
});

afterAll(async () => {
  await client?.close();
  await run?.stop();
});

describe('dashboard queries on the recorded data indexed by the pipeline', () => {
  it('published some unconfirmed transactions more than once (the pending view must count them once)', () => {
    expect(pendingPublished).toBeGreaterThan(earliestSightings(pendingSightings(DATA_DIR)).size);
  });

  dashboardQueryTests(() => {
    if (!client) throw new Error('the pipeline run did not start');
    const es = client;
    return { namespace, search: async (index, body) => (await es.search({ index, ...body })) as unknown as Record<string, any> };
  });
});
