import type { Config } from '../config/config.js';
import { names as buildNames, type Names } from '../contracts/names.js';
import type { Logger } from '../runtime/index.js';
import { createElasticsearch } from '../clients/elasticsearch.js';
import { createKafka } from '../clients/kafka.js';
import { setupIndices, type IndexSetupResult } from './indices.js';
import { setupTopics, type TopicSetupResult } from './topics.js';

/** What `runSetup` did. */
export interface SetupResult {
  names: Names;
  topics: TopicSetupResult;
  indices: IndexSetupResult;
}

/** Creates the topics, index templates and indices of a namespace (default: `config.namespace`) with clients built from config. */
export async function runSetup(config: Config, options: { namespace?: string; log?: Logger } = {}): Promise<SetupResult> {
  const names = buildNames(options.namespace ?? config.namespace);
  const admin = createKafka(config, { clientIdSuffix: 'setup', ...(options.log ? { log: options.log } : {}) }).admin();
  const es = createElasticsearch(config);
  await admin.connect();
  try {
    const topics = await setupTopics(admin, names, config.kafka);
    options.log?.info({ created: topics.created, existing: topics.existing.length }, 'topics ready');
    const indices = await setupIndices(es, names, config.elasticsearch);
    options.log?.info({ created: indices.created, templates: indices.templates.length }, 'indices ready');
    for (const [index, fields] of Object.entries(indices.kept)) {
      options.log?.warn({ index, fields }, 'fields keep the mapping of an earlier release until `npm run rebuild` creates the index again');
    }
    for (const [index, shards] of Object.entries(indices.shards)) {
      options.log?.warn({ index, ...shards }, 'the index keeps the primary shards it was created with until `npm run rebuild` creates it again');
    }
    return { names, topics, indices };
  } finally {
    await admin.disconnect();
    await es.close();
  }
}
