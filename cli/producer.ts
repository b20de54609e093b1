import { loadConfig } from '../pipeline/config/config.js';
import { systemClock } from '../pipeline/runtime/index.js';
import { createLogger } from '../pipeline/runtime/index.js';
import { LIVE_FEEDS, startProducer, type LiveFeed } from '../producers/producer-app.js';

// Entry of the pm2 apps producer-blocks, producer-mempool, producer-prices:
//   tsx cli/producer.ts blocks|mempool|prices
const feed = process.argv[2] as LiveFeed | undefined;
if (feed === undefined || !LIVE_FEEDS.includes(feed)) {
  process.stderr.write(`usage: tsx cli/producer.ts ${LIVE_FEEDS.join('|')}\n`);
  process.exit(2);
}
const config = loadConfig();
const log = createLogger({ name: `producer-${feed}`, level: config.logLevel });
process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

const producer = await startProducer(feed, config, log, systemClock);
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await producer.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
