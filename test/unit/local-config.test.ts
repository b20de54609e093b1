import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../pipeline/config/config.js';
import { usesLocalStack } from '../../stack/local-config.js';

describe('usesLocalStack', () => {
  it.each([
    ['defaults', {}, true],
    ['brokers listed in another order', { KAFKA_BROKERS: '127.0.0.1:9094,127.0.0.1:9092,127.0.0.1:9093' }, true],
    ['ES URLs with a trailing slash', { ES_NODES: 'http://127.0.0.1:9201/,http://127.0.0.1:9202/,http://127.0.0.1:9203/' }, true],
    ['an external Kafka', { KAFKA_BROKERS: 'kafka.example:9092' }, false],
    ['an external Elasticsearch', { ES_NODES: 'https://es.example:9200' }, false],
    ['the machine Redis on 6379', { REDIS_URL: 'redis://127.0.0.1:6379' }, false],
  ])('%s', (_name, env, expected) => {
    expect(usesLocalStack(loadConfig(env))).toBe(expected);
  });
});
