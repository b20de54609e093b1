import { createElasticsearch } from '../../../pipeline/clients/elasticsearch.js';
import type { FaultScenario } from '../fault-scenario.js';
import { killNodesFor } from './stack-node-fault.js';

/** SIGKILL the elected Elasticsearch master, restart it after a delay. */
export const killEsNode: FaultScenario = {
  name: 'kill-es-node',
  summary: 'SIGKILL the elected Elasticsearch master node; start it again after --seconds (default 30)',
  defaultSeconds: 30,
  async inject({ pipeline, seconds, note }) {
    const es = createElasticsearch(pipeline.config);
    let index = 1;
    try {
      const [master] = await es.cat.master({ format: 'json' });
      // Node names of the local stack are es1..es3 (process ids es-1..es-3).
      index = Number(/(\d+)$/.exec(String(master?.node ?? ''))?.[1] ?? 1);
    } finally {
      await es.close();
    }
    return { description: await killNodesFor('es', [index], seconds, note) };
  },
};
