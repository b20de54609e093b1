import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { createElasticsearch } from '../pipeline/clients/elasticsearch.js';
import { createKafka } from '../pipeline/clients/kafka.js';
import { createRedis } from '../pipeline/clients/redis.js';
import { loadConfig } from '../pipeline/config/config.js';
import { names } from '../pipeline/contracts/names.js';
import { createLogger, systemClock } from '../pipeline/runtime/index.js';
import { runSetup } from '../pipeline/setup/index.js';
import { processingProgress } from '../pipeline/topology/processing-progress.js';
import { EventPublisher } from '../producers/event-publisher.js';
import { createKafka as createProducerKafka, KafkaRecordSink } from '../producers/kafka-record-sink.js';
import { ProducerMetrics } from '../producers/producer-metrics.js';
import { replay } from '../producers/replay.js';
import { defaultStackContext } from '../stack/default-context.js';
import { up } from '../stack/stack.js';
import { resultTables } from './demo-report.js';
import { pm2 } from './pm2.js';

// npm run demo -- [--data DIR] [--rate N] [--timeout SECONDS]
// Stack up; topology workers under pm2 (POOLS_FILE from DIR); the recorded events published with
// the producers' replay code; waits until every record is committed and every aggregate written;
// prints the results; leaves the pipeline running.
const { values } = parseArgs({
  options: { data: { type: 'string', default: 'data/sample' }, rate: { type: 'string' }, timeout: { type: 'string', default: '900' } },
});
const dataDir = resolve(values.data);
const rate = values.rate === undefined ? null : Number(values.rate);
if (rate !== null && !(rate > 0)) {
  process.stderr.write('--rate must be a positive number of events per second\n');
  process.exit(2);
}
const env = { ...process.env, POOLS_FILE: join(dataDir, 'pools', 'pools-v2.json') };
const config = loadConfig(env);
const log = createLogger({ name: 'demo', level: config.logLevel });
const n = names(config.namespace);
const started = Date.now();

await up(defaultStackContext(config.logLevel), config);
await runSetup(config, { log });
pm2(['startOrRestart', 'ecosystem.config.js', '--only', 'topology-worker', '--update-env'], env);

const sink = new KafkaRecordSink(createProducerKafka(config, 'demo-replay'));
const publishStarted = Date.now();
const publisher = new EventPublisher({ sink, names: n, component: 'replay', clock: systemClock, log, metrics: new ProducerMetrics() });
const stats = await replay({ dir: dataDir, publisher, clock: systemClock, log, rate }).finally(() => sink.close());
log.info({ events: stats.events, eventsPerSecond: Math.round(stats.eventsPerSecond) }, 'events published');

const admin = createKafka(config, { clientIdSuffix: 'demo-progress' }).admin();
await admin.connect();
const redis = createRedis(config);
const deadline = Date.now() + Number(values.timeout) * 1000;
let doneInARow = 0;
for (;;) {
  const progress = await processingProgress(admin, redis, n).catch((err: { retriable?: boolean }) => {
    // A broker restart moves leaders and coordinators: retriable, ask again.
    if (err.retriable !== true) throw err;
    return null;
  });
  doneInARow = progress?.done === true ? doneInARow + 1 : 0;
  if (doneInARow >= 2) break;
  if (Date.now() > deadline) {
    process.stderr.write(`not done after ${values.timeout} s: ${JSON.stringify(progress)}\n`);
    process.exit(1);
  }
  log.info(progress, 'waiting for the topology');
  await new Promise((r) => setTimeout(r, 1_000));
}
const processedMs = Date.now() - publishStarted;
await admin.disconnect();
redis.disconnect();

const es = createElasticsearch(config);
process.stdout.write(`\n${await resultTables(es, n)}\n`);
await es.close();
const events = stats.events.blocks + stats.events.transactions + stats.events.prices;
process.stdout.write(
  `${events} events (${JSON.stringify(stats.events)}) processed end to end in ${(processedMs / 1000).toFixed(1)} s ` +
    `(${Math.round(events / (processedMs / 1000))} events/s); demo wall time ${((Date.now() - started) / 1000).toFixed(1)} s.\n` +
    'The workers keep running under pm2 (npx pm2 ls).\n',
);
