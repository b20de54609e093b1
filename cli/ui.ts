import { createElasticsearch } from '../pipeline/clients/elasticsearch.js';
import { createKafka } from '../pipeline/clients/kafka.js';
import { createRedis } from '../pipeline/clients/redis.js';
import { loadConfig } from '../pipeline/config/config.js';
import { names } from '../pipeline/contracts/names.js';
import { createLogger } from '../pipeline/runtime/index.js';
import { buildAnalyticsTopology } from '../pipeline/topology/topology.js';
import { DeadLetterReader } from '../ui/dead-letter-reader.js';
import { startUiServer } from '../ui/ui-server.js';

// The read-only topology UI (pm2 app `ui`, started by `npm start` and `npm run demo`): the DAG with
// its numbers, the topics, indices, Redis and workers, the dead letters, and the analyst view of the
// Kibana panels, on http://UI_HOST:UI_PORT (default 127.0.0.1:8080) for the NAMESPACE configured.
const config = loadConfig();
const log = createLogger({ name: 'ui', level: config.logLevel });
const n = names(config.namespace);
const es = createElasticsearch(config);
const redis = createRedis(config);
const kafka = createKafka(config, { clientIdSuffix: 'ui', log });
const admin = kafka.admin();
await admin.connect();
// The definition only: building it opens nothing and starts no task.
const topology = buildAnalyticsTopology({ config, redis, es, log });
const deadLetters = new DeadLetterReader(kafka, n, log);
deadLetters.startInBackground(10_000);
const server = await startUiServer({ names: n, topology, es, redis, admin, deadLetters, log, refreshMs: 5_000 }, config.ui).catch((err: unknown) => {
  if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
  log.fatal({ host: config.ui.host, port: config.ui.port }, 'ui port taken; set UI_PORT to a free port');
  process.exit(1);
});
log.info({ url: `http://${config.ui.host}:${server.port}/`, namespace: n.namespace }, 'ui listening');

const shutdown = async (signal: string): Promise<void> => {
  log.info({ signal }, 'ui stopping');
  await server.close();
  await deadLetters.stop().catch((err: unknown) => log.warn({ err }, 'dead-letter reader stop failed'));
  await admin.disconnect();
  redis.disconnect();
  await es.close();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
