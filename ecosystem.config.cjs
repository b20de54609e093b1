// pm2 apps of the pipeline (`npm start`, `npm run demo`; `npx pm2 ls` lists them; `npx pm2 scale
// topology-worker N` adds or removes workers).
//
// - live (`npm start`): producer-blocks, producer-mempool, producer-prices on the live feeds,
//   topology-worker (TOPOLOGY_WORKERS instances, default 2), and ui, the read-only topology UI on
//   UI_HOST:UI_PORT (default 127.0.0.1:8080);
// - demo (`npm run demo`, DEMO_DATA set): the same apps plus `feed-server`, which serves the recorded
//   directory DEMO_DATA on 127.0.0.1:DEMO_FEED_PORT; cli/demo.ts points the producers at it
//   (FEED_BLOCKS_URL, FEED_MEMPOOL_URL, KRAKEN_URL, COINGECKO_URL) and has them publish everything
//   recorded (FEED_BLOCKS_START_HEIGHT=0, FEED_PRICES_START_TIME=0).
//
// Each app gets the environment of the command that starts pm2 (NAMESPACE, endpoints, feed URLs).
// pm2 merges a restarted app's new environment into its old one, so the commands delete the apps
// before starting them: a variable of the demo never lingers in the live producers.
//
// CommonJS on purpose: pm2 loads this file with require(), which cannot load an ES module before
// Node 20.19 (package.json says "type": "module" and allows every Node 20).
const PIPELINE_ENV =
  /^(LOG_LEVEL|NAMESPACE|KAFKA_|ES_|REDIS_|FEED_|KRAKEN_|COINGECKO_|PRICE_|POLL_|HTTP_|POOL|ANALYTICS_|INDEX_|MESSAGE_|MAX_|BACKOFF_|TRANSPORT_|WORKER_|METRICS_|UI_|MALLOC_ARENA_MAX$)/;
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => PIPELINE_ENV.test(key)));

const tsx = { interpreter: 'node', interpreter_args: '--import tsx', exec_mode: 'fork', env, time: true, kill_timeout: 30_000, autorestart: true };

const producer = (feed) => ({ ...tsx, name: `producer-${feed}`, script: 'cli/producer.ts', args: feed, instances: 1 });

const demoData = process.env.DEMO_DATA;
const feedServer = {
  ...tsx,
  name: 'feed-server',
  script: 'cli/feed-server.ts',
  args: ['--data', demoData ?? '', '--port', process.env.DEMO_FEED_PORT ?? '8999'],
  instances: 1,
};

module.exports = {
  apps: [
    ...(demoData ? [feedServer] : []),
    producer('blocks'),
    producer('mempool'),
    producer('prices'),
    {
      ...tsx,
      name: 'topology-worker',
      // cli/worker.ts bundled into plain JavaScript (ops/worker-bundle.ts; `npm start` and `npm run demo`
      // write it before they start pm2): without tsx's loader a worker holds about 45 MB less.
      script: '.cache/worker/worker.mjs',
      // WORKER_NODE_ARGS of ops/worker-processes.ts (a unit test keeps them equal): a smaller young
      // generation, and an old one let grow to twice its live size between full collections and capped at 176 MB,
      // keep a worker under 300 MB (an operator who raises MAX_SPOUT_PENDING may need a higher cap).
      interpreter_args: '--max-semi-space-size=8 --heap-growing-percent=100 --max-old-space-size=176',
      // WORKER_ENV of ops/worker-processes.ts (the same unit test): at most 2 malloc arenas, about 15 MB less RSS.
      env: { MALLOC_ARENA_MAX: '2', ...env },
      instances: Number(process.env.TOPOLOGY_WORKERS ?? 2),
    },
    { ...tsx, name: 'ui', script: 'cli/ui.ts', instances: 1 },
  ],
};
