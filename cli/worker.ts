import { createElasticsearch } from '../pipeline/clients/elasticsearch.js';
import { createRedis } from '../pipeline/clients/redis.js';
import { runtimeConnections } from '../pipeline/clients/runtime-connections.js';
import { loadConfig } from '../pipeline/config/config.js';
import { createLogger, runWorker } from '../pipeline/runtime/index.js';
import { buildAnalyticsTopology } from '../pipeline/topology/topology.js';

/**
 * A worker of the Bitcoin analytics topology (pm2 app `topology-worker`; `pm2 scale
 * topology-worker N` adds workers that take a share of the work). SIGTERM drains and exits.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ name: 'topology-worker', level: config.logLevel });
  const redis = createRedis(config, { connectionName: 'analytics-state' });
  const es = createElasticsearch(config);
  const topology = buildAnalyticsTopology({ config, redis, es, log });
  const worker = await runWorker(topology, { runtime: config.runtime, connections: runtimeConnections(config), log });
  log.info({ workerId: worker.workerId, metricsPort: worker.metricsPort, namespace: config.namespace }, 'topology worker started');
}

main().catch((err: unknown) => {
  createLogger({ name: 'topology-worker' }).fatal({ err }, 'topology worker failed to start');
  process.exit(1);
});
