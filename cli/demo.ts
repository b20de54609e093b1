import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { createElasticsearch } from '../pipeline/clients/elasticsearch.js';
import { createKafka } from '../pipeline/clients/kafka.js';
import { createRedis } from '../pipeline/clients/redis.js';
import { loadConfig } from '../pipeline/config/config.js';
import { names } from '../pipeline/contracts/names.js';
import { DemoTimeoutError, waitUntilProcessed, waitUntilPublished } from '../ops/demo/demo-waits.js';
import { feedTarget } from '../ops/demo/feed-target.js';
import { deletePipelineApps, printPm2List, startPipelineApps } from '../ops/demo/pipeline-apps.js';
import { isPortFree } from '../ops/demo/port-probe.js';
import { ProducerPolls } from '../ops/demo/producer-polls.js';
import { createLogger } from '../pipeline/runtime/index.js';
import { runSetup } from '../pipeline/setup/index.js';
import { processingProgress } from '../pipeline/topology/processing-progress.js';
import { feedServerEnv } from '../producers/feed-server/feed-server.js';
import { RecordedFeedData } from '../producers/feed-server/recorded-feed-data.js';
import { defaultStackContext } from '../stack/default-context.js';
import { up } from '../stack/stack.js';
import { resultLinks, resultTables } from './demo-report.js';

// npm run demo -- [--data DIR] [--rate N] [--feed-port P] [--timeout SECONDS]
// The stack; under pm2 (ecosystem.config.cjs, demo variant) the feed server on DIR, the three
// producers pointed at it from the first recorded block and price point, and the topology
// workers; waits until the producers have published everything the feed server holds, then until
// the topology has committed every record and written every aggregate; prints the results and
// leaves everything running. A second run on the same data publishes nothing new and changes no
// document (test/e2e/demo-idempotence.test.ts).
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'data/sample' },
    rate: { type: 'string' },
    'feed-port': { type: 'string', default: '8999' },
    timeout: { type: 'string', default: '900' },
  },
});
const usage = (problem: string): never => {
  process.stderr.write(`${problem}\nusage: npm run demo -- [--data DIR] [--rate EVENTS_PER_SECOND] [--feed-port PORT] [--timeout SECONDS]\n`);
  process.exit(2);
};
const dataDir = resolve(values.data);
const rate = values.rate === undefined ? 0 : Number(values.rate);
if (!(Number.isInteger(rate) && rate >= 0)) usage('--rate must be a whole number of events per second (per producer)');
const feedPort = Number(values['feed-port']);
if (!(Number.isInteger(feedPort) && feedPort > 0 && feedPort < 65_536)) usage('--feed-port must be a TCP port');
const timeoutSec = Number(values.timeout);
if (!(timeoutSec > 0)) usage('--timeout must be a positive number of seconds');

const started = Date.now();
const data = await RecordedFeedData.load(dataDir);
const env: NodeJS.ProcessEnv = {
  // Short polls so that the demo starts at once; the producers still publish in their own order.
  POLL_BLOCKS_MS: '2000',
  POLL_PRICES_MS: '2000',
  ...process.env,
  DEMO_DATA: dataDir,
  DEMO_FEED_PORT: String(feedPort),
  ...feedServerEnv(`http://127.0.0.1:${feedPort}`),
  FEED_BLOCKS_START_HEIGHT: '0',
  FEED_PRICES_START_TIME: '0',
  FEED_PUBLISH_RATE: String(rate),
  POOLS_FILE: join(dataDir, 'pools', 'pools-v2.json'),
};
const config = loadConfig(env);
const log = createLogger({ name: 'demo', level: config.logLevel });
const n = names(config.namespace);
const target = feedTarget(data, config.feeds.priceProviders);
log.info({ dataDir, namespace: config.namespace, tip: target.tip, events: target.events }, 'demo data loaded');

await up(defaultStackContext(config.logLevel), config);
await runSetup(config, { log });

const admin = createKafka(config, { clientIdSuffix: 'demo-progress' }).admin();
await admin.connect();
const redis = createRedis(config);
const recordsBefore = (await processingProgress(admin, redis, n)).records;

deletePipelineApps(env, log);
if (!(await isPortFree(feedPort))) {
  process.stderr.write(`port ${feedPort} is taken: pick another one with --feed-port\n`);
  process.exit(1);
}
const appsStarted = Date.now();
startPipelineApps(env, log);

const polls = new ProducerPolls(config, n);
const waits = { admin, redis, polls, names: n, log, deadlineMs: started + timeoutSec * 1000 };
let processed: Awaited<ReturnType<typeof waitUntilProcessed>>;
try {
  const published = await waitUntilPublished(target, appsStarted, waits);
  log.info({ blocks: published.blocks, prices: published.prices, afterMs: Date.now() - appsStarted }, 'producers caught up with the feed server');
  processed = await waitUntilProcessed(waits);
} catch (err) {
  if (!(err instanceof DemoTimeoutError)) throw err;
  process.stderr.write(`not done ${err.stage} after ${timeoutSec} s: ${JSON.stringify(err.last)} (the apps keep running: npx pm2 logs)\n`);
  process.exit(1);
}
const processedMs = Date.now() - appsStarted;
await polls.close();
await admin.disconnect();
redis.disconnect();

const es = createElasticsearch(config);
process.stdout.write(`\n${await resultTables(es, n)}\n`);
process.stdout.write(await resultLinks(es, n, config.ui));
await es.close();

const newRecords = processed.records - recordsBefore;
const seconds = processedMs / 1000;
const { blocks, transactions, prices } = target.events;
process.stdout.write(
  `${dataDir}: ${blocks} blocks, ${transactions} transactions, ${prices} price points recorded.\n` +
    (newRecords > 0
      ? `This run: ${newRecords} records published (confirmed and mempool) and processed end to end in ${seconds.toFixed(1)} s (${Math.round(newRecords / seconds)} events/s).\n`
      : `This run: nothing new to publish; the producers and workers were up and caught up after ${seconds.toFixed(1)} s.\n`) +
    `Demo wall time ${((Date.now() - started) / 1000).toFixed(1)} s. Everything keeps running under pm2:\n`,
);
printPm2List(env);
process.exit(0);
