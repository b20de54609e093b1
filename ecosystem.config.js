// pm2 apps of the pipeline: the three live producers and the topology workers.
// `npm start` and `npm run demo` start them; `npx pm2 ls` lists them; `pm2 scale topology-worker N`
// adds or removes workers. Each app gets the environment of the command that starts pm2
// (NAMESPACE, endpoints, feed URLs), so the same file serves the live feeds and the demo.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      /^(LOG_LEVEL|NAMESPACE|KAFKA_|ES_|REDIS_|FEED_|KRAKEN_|COINGECKO_|PRICE_|POLL_|HTTP_|POOL|ANALYTICS_|INDEX_|MESSAGE_|MAX_|BACKOFF_|TRANSPORT_|WORKER_|METRICS_)/.test(key),
  ),
);

const tsx = { interpreter: 'node', interpreter_args: '--import tsx', env, time: true, kill_timeout: 30_000 };

const producer = (feed) => ({
  ...tsx,
  name: `producer-${feed}`,
  script: 'cli/producer.ts',
  args: feed,
  instances: 1,
  autorestart: true,
});

const config = {
  apps: [
    producer('blocks'),
    producer('mempool'),
    producer('prices'),
    {
      ...tsx,
      name: 'topology-worker',
      script: 'cli/worker.ts',
      instances: Number(process.env.TOPOLOGY_WORKERS ?? 2),
      exec_mode: 'fork',
      autorestart: true,
    },
  ],
};

// pm2 loads this file with require(): Node (>= 20.19) returns the 'module.exports' export of an ES module.
export default config;
export { config as 'module.exports' };
