import { describe, expect, it } from 'vitest';
import { EnvSchema, loadConfig } from '../../pipeline/config/config.js';
import { ConfigError } from '../../pipeline/runtime/index.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => p.path);
  }
  throw new Error('expected loadConfig to reject the environment');
}

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  it('points at the local stack', () => {
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092', '127.0.0.1:9093', '127.0.0.1:9094']);
    expect(config.elasticsearch.nodes).toEqual(['http://127.0.0.1:9201', 'http://127.0.0.1:9202', 'http://127.0.0.1:9203']);
    expect(config.redis.url).toBe('redis://127.0.0.1:6380');
  });

  it('serves the topology UI on the loopback interface, port 8080', () => {
    expect(config.ui).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(loadConfig({ UI_HOST: '0.0.0.0', UI_PORT: '9090' }).ui).toEqual({ host: '0.0.0.0', port: 9090 });
  });

  it('uses the durable topic and index layout', () => {
    expect(config.namespace).toBe('btc');
    expect(config.kafka).toMatchObject({ partitions: 9, replicationFactor: 3, minInsyncReplicas: 2, ssl: false });
    expect(config.kafka.sasl).toBeUndefined();
    expect(config.elasticsearch).toMatchObject({ shards: 3, smallIndexShards: 1, replicas: 2, rejectUnauthorized: true });
    expect(config.elasticsearch.auth).toBeUndefined();
  });

  it('gives every environment variable a description', () => {
    const undocumented = Object.entries(EnvSchema.shape)
      .filter(([, schema]) => !schema.description)
      .map(([key]) => key);
    expect(undocumented).toEqual([]);
  });
});

describe('loadConfig values', () => {
  it('splits lists and trims their items', () => {
    const config = loadConfig({ KAFKA_BROKERS: ' a:1, b:2 ,,c:3 ', ES_NODES: 'https://es.example:9200' });
    expect(config.kafka.brokers).toEqual(['a:1', 'b:2', 'c:3']);
    expect(config.elasticsearch.nodes).toEqual(['https://es.example:9200']);
  });

  it('builds SASL, API-key and Redis password settings for external clusters', () => {
    const config = loadConfig({
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'app',
      KAFKA_SASL_PASSWORD: 'secret',
      ES_API_KEY: 'a2V5',
      ES_CA_CERT: '/etc/ssl/es-ca.pem',
      REDIS_URL: 'rediss://redis.example:6379',
      REDIS_PASSWORD: 'pw',
    });
    expect(config.kafka.ssl).toBe(true);
    expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'app', password: 'secret' });
    expect(config.elasticsearch.auth).toEqual({ apiKey: 'a2V5' });
    expect(config.elasticsearch.caCertPath).toBe('/etc/ssl/es-ca.pem');
    expect(config.redis).toEqual({ url: 'rediss://redis.example:6379', password: 'pw' });
  });

  it('accepts basic auth for Elasticsearch', () => {
    expect(loadConfig({ ES_USERNAME: 'elastic', ES_PASSWORD: 'changeme' }).elasticsearch.auth).toEqual({ username: 'elastic', password: 'changeme' });
  });

  it.each([
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
  ])('reads boolean %s as %s', (raw, expected) => {
    expect(loadConfig({ KAFKA_SSL: raw }).kafka.ssl).toBe(expected);
  });
});

describe('loadConfig rejections', () => {
  it.each([
    [{ KAFKA_PARTITIONS: '0' }, 'KAFKA_PARTITIONS'],
    [{ KAFKA_PARTITIONS: 'nine' }, 'KAFKA_PARTITIONS'],
    [{ ES_REPLICAS: '-1' }, 'ES_REPLICAS'],
    [{ NAMESPACE: 'BTC' }, 'NAMESPACE'],
    [{ NAMESPACE: 'a.b' }, 'NAMESPACE'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ KAFKA_SSL: 'maybe' }, 'KAFKA_SSL'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
    [{ METRICS_PORT: '70000' }, 'METRICS_PORT'],
    [{ UI_PORT: '0' }, 'UI_PORT'],
    [{ UI_HOST: 'http://x' }, 'UI_HOST'],
  ])('rejects %o', (env, path) => {
    expect(problemsOf(env)).toContain(path);
  });

  it('lists every schema problem at once', () => {
    const paths = problemsOf({ KAFKA_PARTITIONS: '0', ES_SHARDS: 'x', REDIS_URL: 'nope', NAMESPACE: 'Bad Name' });
    expect(paths.sort()).toEqual(['ES_SHARDS', 'KAFKA_PARTITIONS', 'NAMESPACE', 'REDIS_URL']);
  });

  it('lists every cross-field problem at once', () => {
    const paths = problemsOf({
      KAFKA_SASL_USERNAME: 'app',
      ES_API_KEY: 'k',
      ES_USERNAME: 'u',
      KAFKA_REPLICATION_FACTOR: '1',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
      BACKOFF_BASE_MS: '5000',
      BACKOFF_MAX_MS: '1000',
      WORKER_HEARTBEAT_MS: '1000',
      WORKER_TTL_MS: '1500',
      PRICE_PROVIDERS: 'kraken,bitstamp',
    });
    expect(paths.sort()).toEqual(
      ['BACKOFF_BASE_MS', 'ES_API_KEY', 'ES_USERNAME', 'KAFKA_MIN_INSYNC_REPLICAS', 'KAFKA_SASL_MECHANISM', 'PRICE_PROVIDERS', 'WORKER_TTL_MS'].sort(),
    );
  });

  it('rejects a SASL mechanism without credentials', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'plain' })).toEqual(['KAFKA_SASL_USERNAME']);
  });

  it('names each problem in the error message', () => {
    try {
      loadConfig({ KAFKA_PARTITIONS: '0', REDIS_URL: 'nope' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/KAFKA_PARTITIONS/);
      expect((err as Error).message).toMatch(/REDIS_URL/);
    }
  });
});
