import { z } from 'zod';
import { ConfigError, type Problem, type RuntimeOptions, runtimeOptions } from '../runtime/index.js';

/**
 * The one place that reads the environment. Every endpoint, port, topic name and tuning knob
 * has a default for the local stack (see `npm run stack`), so the same code runs against a
 * user's own clusters by setting variables. `loadConfig` fails with every problem listed.
 */

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
    );

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((s) => s === 'true' || s === '1' || s === 'yes');

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const optional = () => z.string().min(1).optional();

/** Every environment variable the project reads, with its default and meaning. */
export const EnvSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  NAMESPACE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .default('btc')
    .describe('prefix of every topic, index, queue and Redis key (tests use fresh ones)'),

  KAFKA_BROKERS: list('127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094').describe('bootstrap brokers'),
  KAFKA_CLIENT_ID: z.string().default('btc-stream').describe('Kafka client id prefix'),
  KAFKA_SSL: bool(false).describe('connect to Kafka with TLS'),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional().describe('SASL mechanism'),
  KAFKA_SASL_USERNAME: optional().describe('SASL user'),
  KAFKA_SASL_PASSWORD: optional().describe('SASL password'),
  KAFKA_PARTITIONS: int(9, 1, 1000).describe('partitions of each raw topic'),
  KAFKA_REPLICATION_FACTOR: int(3, 1, 10).describe('replication factor of every topic'),
  KAFKA_MIN_INSYNC_REPLICAS: int(2, 1, 10).describe('min.insync.replicas of every topic'),

  ES_NODES: list('http://127.0.0.1:9201,http://127.0.0.1:9202,http://127.0.0.1:9203').describe('Elasticsearch node URLs'),
  ES_API_KEY: optional().describe('Elasticsearch API key (base64 id:key)'),
  ES_USERNAME: optional().describe('Elasticsearch basic-auth user'),
  ES_PASSWORD: optional().describe('Elasticsearch basic-auth password'),
  ES_CA_CERT: optional().describe('path of a PEM CA certificate for Elasticsearch TLS'),
  ES_TLS_REJECT_UNAUTHORIZED: bool(true).describe('verify the Elasticsearch TLS certificate'),
  ES_SHARDS: int(3, 1, 100).describe('primary shards of the indices that grow with every transaction (transactions, pending transactions)'),
  ES_SMALL_INDEX_SHARDS: int(1, 1, 100).describe('primary shards of every other index (prices, blocks, hourly volume, miners), which stay small'),
  ES_REPLICAS: int(2, 0, 10).describe('replicas of each index'),

  REDIS_URL: z.string().url().default('redis://127.0.0.1:6380').describe('Redis URL (rediss:// for TLS)'),
  REDIS_PASSWORD: optional().describe('Redis password (overrides the URL)'),

  MESSAGE_TIMEOUT_MS: int(120_000, 100, 3_600_000).describe(
    'a spout tuple not fully acked within this is replayed (sized for a backlog on a small machine: a tree waits behind pending ones and a bulk write)',
  ),
  MAX_SPOUT_PENDING: int(6_000, 1, 1_000_000).describe(
    'un-acked records per spout task before fetching pauses (a backlog drains at about pending / tree latency, and the index bolt fills its bulks only with enough in flight: 1,500 with 500-document bulks drained 5,063-5,370 tx/s on a 2-core machine, 6,000 with 2,000-document bulks 6,892-7,390; keep pending / rate well under MESSAGE_TIMEOUT_MS)',
  ),
  MAX_QUEUED_TUPLES: int(20_000, 1, 10_000_000).describe(
    "tuples a worker queues in process for one bolt's tasks before whatever emits to that bolt (spouts included) waits, until half are executed (backpressure); it bounds a worker's memory while the index bolt waits on Elasticsearch, when a price's re-rendered transactions and the replays of failed trees pile up; keep it well above what one record fans out to (a few thousand documents)",
  ),
  MAX_ATTEMPTS: int(0, 0, 1_000_000).describe(
    'attempts before a record whose failures are all retriable goes to the dead-letter topic; 0 (default): never, it replays with backoff until the service it waits for is back (a retriable failure is an unavailable service, never bad input)',
  ),
  BACKOFF_BASE_MS: int(200, 1, 600_000).describe('first replay delay; doubles per attempt, with jitter'),
  BACKOFF_MAX_MS: int(30_000, 1, 3_600_000).describe('largest replay delay'),
  TREE_BATCH_SIZE: int(100, 1, 10_000).describe(
    'records a spout emits at once that share one tuple tree (one acker entry per batch; a record that replays gets a tree of its own; 1: a tree per record); the transactions spout emits record batches, one tree each, and ignores it',
  ),
  TRANSPORT_BATCH_SIZE: int(100, 1, 10_000).describe('tuples per BullMQ job'),
  TRANSPORT_LINGER_MS: int(5, 0, 10_000).describe('how long a partial batch waits before it is sent'),
  WORKER_HEARTBEAT_MS: int(1_000, 50, 60_000).describe('how often a worker renews its liveness'),
  WORKER_TTL_MS: int(5_000, 200, 600_000).describe('a worker silent for this long is considered dead'),
  METRICS_PORT: int(0, 0, 65_535).describe('HTTP port of /metrics and /metrics.json (0: any free port)'),
  WORKER_PROFILER_ENABLED: bool(false).describe('serve /debug/cpu-profile?seconds=N on the metrics port: a CPU profile of the worker on request'),

  FEED_BLOCKS_URL: z.string().url().default('https://mempool.space/api').describe('Esplora-compatible API base URL'),
  FEED_MEMPOOL_URL: z.string().url().default('https://mempool.space/api').describe('mempool recent-transactions API base URL'),
  PRICE_PROVIDERS: list('kraken,coingecko').describe(
    'price providers to poll (kraken, coingecko); each is polled every POLL_PRICES_MS with its own cursor and publishes its own points',
  ),
  KRAKEN_URL: z.string().url().default('https://api.kraken.com').describe('Kraken public API base URL'),
  COINGECKO_URL: z.string().url().default('https://api.coingecko.com/api/v3').describe('CoinGecko API base URL'),
  POLL_BLOCKS_MS: int(30_000, 100, 3_600_000).describe('block tip poll interval'),
  POLL_MEMPOOL_MS: int(10_000, 100, 3_600_000).describe('mempool poll interval'),
  POLL_PRICES_MS: int(60_000, 100, 3_600_000).describe('price poll interval'),
  HTTP_TIMEOUT_MS: int(10_000, 100, 600_000).describe('timeout of one feed request'),
  HTTP_RETRIES: int(5, 0, 100).describe('retries of one feed request'),
  FEED_BLOCKS_START_HEIGHT: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('first height the block producer publishes on a fresh cursor (default: the tip)'),
  FEED_PRICES_START_TIME: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('price points after this Unix time are published on a fresh cursor (default: one day ago)'),
  FEED_PUBLISH_RATE: int(0, 0, 1_000_000).describe("events per second each producer publishes at most (0: no limit; the demo's --rate)"),

  POOLS_FILE: z.string().min(1).default('data/sample/pools/pools-v2.json').describe('mempool.space pools-v2.json used to identify mining pools'),
  POOL_MATCH_ORDER: z
    .enum(['address-first', 'tag-first'])
    .default('address-first')
    .describe('pool rule order: per pool address then tag (issue contract), or all tags then all addresses (data set README)'),
  ANALYTICS_RENDER_INTERVAL_MS: int(500, 10, 60_000).describe('how often dirty aggregates (hourly, miners) are rendered and written'),
  ANALYTICS_RENDER_BATCH: int(500, 1, 100_000).describe('dirty aggregates rendered per tick and task'),
  ANALYTICS_RENDER_LEASE_MS: int(30_000, 100, 3_600_000).describe('a claimed dirty aggregate not written within this is claimed again'),
  INDEX_BATCH_SIZE: int(2_000, 1, 10_000).describe(
    'documents per Elasticsearch bulk request (Elasticsearch alone took 8,148 documents/s in bulks of 500, 18,913 in bulks of 2,000; a partial bulk leaves at the next INDEX_LINGER_MS tick)',
  ),
  INDEX_LINGER_MS: int(200, 1, 60_000).describe('how long a partial bulk waits before it is sent'),
  INDEX_BUSY_LINGER_MS: int(1_000, 0, 60_000).describe(
    'how long a partial bulk may wait, from its first document, while a bulk request of its index task is in flight (fuller bulks while Elasticsearch is busy; 0: it leaves at the next INDEX_LINGER_MS tick)',
  ),
  INDEX_RETRIES: int(5, 0, 100).describe('retries of a bulk item that got 429/5xx or a connection error before its tuple fails (and replays)'),

  UI_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]+$/, 'a host name or IP address')
    .default('127.0.0.1')
    .describe('address the topology UI listens on (read-only; 0.0.0.0 exposes it to the network)'),
  UI_PORT: int(8080, 1, 65_535).describe('HTTP port of the topology UI (`npm start`, `npm run demo`)'),
});

/** The validated environment. */
export type Env = z.infer<typeof EnvSchema>;

/** Configuration handed to every part of the project; nothing else reads `process.env`. */
export interface Config {
  env: Env;
  logLevel: Env['LOG_LEVEL'];
  namespace: string;
  kafka: {
    brokers: string[];
    clientId: string;
    ssl: boolean;
    sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
    partitions: number;
    replicationFactor: number;
    minInsyncReplicas: number;
  };
  elasticsearch: {
    nodes: string[];
    auth?: { apiKey: string } | { username: string; password: string };
    caCertPath?: string;
    rejectUnauthorized: boolean;
    /** Primary shards of the indices that grow with every transaction. */
    shards: number;
    /** Primary shards of every other index. */
    smallIndexShards: number;
    replicas: number;
  };
  redis: { url: string; password?: string };
  /** The runtime's options, mapped from the environment. */
  runtime: RuntimeOptions;
  feeds: {
    blocksUrl: string;
    mempoolUrl: string;
    priceProviders: string[];
    krakenUrl: string;
    coingeckoUrl: string;
    pollBlocksMs: number;
    pollMempoolMs: number;
    pollPricesMs: number;
    httpTimeoutMs: number;
    httpRetries: number;
    /** First height published on a fresh block cursor; undefined: the tip. */
    blocksStartHeight?: number;
    /** Price points after this Unix time are published on a fresh cursor; undefined: one day ago. */
    pricesStartTime?: number;
    /** Events per second each producer publishes at most; null: no limit. */
    publishRate: number | null;
  };
  analytics: {
    poolsFile: string;
    poolMatchOrder: 'address-first' | 'tag-first';
    renderIntervalMs: number;
    renderBatch: number;
    renderLeaseMs: number;
    indexBatchSize: number;
    indexLingerMs: number;
    indexBusyLingerMs: number;
    indexRetries: number;
  };
  /** The read-only topology UI (`ui/`). */
  ui: { host: string; port: number };
}

/**
 * Validates `source` (default: `process.env`) and returns the configuration.
 * Throws a `ConfigError` that lists every problem at once.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(source);
  const problems: Problem[] = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  if (!parsed.success) throw new ConfigError('invalid configuration', problems);
  const env = parsed.data;

  if ((env.KAFKA_SASL_USERNAME || env.KAFKA_SASL_PASSWORD) && !env.KAFKA_SASL_MECHANISM) {
    problems.push({ path: 'KAFKA_SASL_MECHANISM', message: 'required when a SASL user or password is set' });
  }
  if (env.KAFKA_SASL_MECHANISM && !(env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD)) {
    problems.push({ path: 'KAFKA_SASL_USERNAME', message: 'SASL needs both KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD' });
  }
  if (env.ES_API_KEY && (env.ES_USERNAME || env.ES_PASSWORD)) {
    problems.push({ path: 'ES_API_KEY', message: 'set either ES_API_KEY or ES_USERNAME/ES_PASSWORD, not both' });
  }
  if (Boolean(env.ES_USERNAME) !== Boolean(env.ES_PASSWORD)) {
    problems.push({ path: 'ES_USERNAME', message: 'basic auth needs both ES_USERNAME and ES_PASSWORD' });
  }
  if (env.KAFKA_MIN_INSYNC_REPLICAS > env.KAFKA_REPLICATION_FACTOR) {
    problems.push({ path: 'KAFKA_MIN_INSYNC_REPLICAS', message: 'must not exceed KAFKA_REPLICATION_FACTOR' });
  }
  if (env.BACKOFF_BASE_MS > env.BACKOFF_MAX_MS) {
    problems.push({ path: 'BACKOFF_BASE_MS', message: 'must not exceed BACKOFF_MAX_MS' });
  }
  if (env.WORKER_HEARTBEAT_MS * 2 > env.WORKER_TTL_MS) {
    problems.push({ path: 'WORKER_TTL_MS', message: 'must be at least twice WORKER_HEARTBEAT_MS' });
  }
  for (const provider of env.PRICE_PROVIDERS) {
    if (provider !== 'kraken' && provider !== 'coingecko') {
      problems.push({ path: 'PRICE_PROVIDERS', message: `unknown provider "${provider}" (known: kraken, coingecko)` });
    }
  }
  if (problems.length > 0) throw new ConfigError('invalid configuration', problems);

  return {
    env,
    logLevel: env.LOG_LEVEL,
    namespace: env.NAMESPACE,
    kafka: {
      brokers: env.KAFKA_BROKERS,
      clientId: env.KAFKA_CLIENT_ID,
      ssl: env.KAFKA_SSL,
      ...(env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
        ? { sasl: { mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD } }
        : {}),
      partitions: env.KAFKA_PARTITIONS,
      replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      minInsyncReplicas: env.KAFKA_MIN_INSYNC_REPLICAS,
    },
    elasticsearch: {
      nodes: env.ES_NODES,
      ...(env.ES_API_KEY
        ? { auth: { apiKey: env.ES_API_KEY } }
        : env.ES_USERNAME && env.ES_PASSWORD
          ? { auth: { username: env.ES_USERNAME, password: env.ES_PASSWORD } }
          : {}),
      ...(env.ES_CA_CERT ? { caCertPath: env.ES_CA_CERT } : {}),
      rejectUnauthorized: env.ES_TLS_REJECT_UNAUTHORIZED,
      shards: env.ES_SHARDS,
      smallIndexShards: env.ES_SMALL_INDEX_SHARDS,
      replicas: env.ES_REPLICAS,
    },
    redis: { url: env.REDIS_URL, ...(env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {}) },
    runtime: runtimeOptions({
      messageTimeoutMs: env.MESSAGE_TIMEOUT_MS,
      maxSpoutPending: env.MAX_SPOUT_PENDING,
      maxQueuedTuples: env.MAX_QUEUED_TUPLES,
      treeBatchSize: env.TREE_BATCH_SIZE,
      maxAttempts: env.MAX_ATTEMPTS === 0 ? null : env.MAX_ATTEMPTS,
      backoffBaseMs: env.BACKOFF_BASE_MS,
      backoffMaxMs: env.BACKOFF_MAX_MS,
      batchSize: env.TRANSPORT_BATCH_SIZE,
      lingerMs: env.TRANSPORT_LINGER_MS,
      heartbeatMs: env.WORKER_HEARTBEAT_MS,
      workerTtlMs: env.WORKER_TTL_MS,
      metricsPort: env.METRICS_PORT,
      profilerEnabled: env.WORKER_PROFILER_ENABLED,
    }),
    feeds: {
      blocksUrl: env.FEED_BLOCKS_URL,
      mempoolUrl: env.FEED_MEMPOOL_URL,
      priceProviders: env.PRICE_PROVIDERS,
      krakenUrl: env.KRAKEN_URL,
      coingeckoUrl: env.COINGECKO_URL,
      pollBlocksMs: env.POLL_BLOCKS_MS,
      pollMempoolMs: env.POLL_MEMPOOL_MS,
      pollPricesMs: env.POLL_PRICES_MS,
      httpTimeoutMs: env.HTTP_TIMEOUT_MS,
      httpRetries: env.HTTP_RETRIES,
      ...(env.FEED_BLOCKS_START_HEIGHT === undefined ? {} : { blocksStartHeight: env.FEED_BLOCKS_START_HEIGHT }),
      ...(env.FEED_PRICES_START_TIME === undefined ? {} : { pricesStartTime: env.FEED_PRICES_START_TIME }),
      publishRate: env.FEED_PUBLISH_RATE === 0 ? null : env.FEED_PUBLISH_RATE,
    },
    analytics: {
      poolsFile: env.POOLS_FILE,
      poolMatchOrder: env.POOL_MATCH_ORDER,
      renderIntervalMs: env.ANALYTICS_RENDER_INTERVAL_MS,
      renderBatch: env.ANALYTICS_RENDER_BATCH,
      renderLeaseMs: env.ANALYTICS_RENDER_LEASE_MS,
      indexBatchSize: env.INDEX_BATCH_SIZE,
      indexLingerMs: env.INDEX_LINGER_MS,
      indexBusyLingerMs: env.INDEX_BUSY_LINGER_MS,
      indexRetries: env.INDEX_RETRIES,
    },
    ui: { host: env.UI_HOST, port: env.UI_PORT },
  };
}
