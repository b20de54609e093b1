import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnvSchema, loadConfig } from '../../../pipeline/config/config.js';
import { KAFKA_VERSION } from '../../../stack/kafka-install.js';
import { ELASTICSEARCH_VERSION } from '../../../stack/paths.js';

// No YAML library is installed: these checks read the compose file line by line, which is enough
// for the structure it uses (two-space indentation, one service block per `  name:` line).
const text = readFileSync('deploy/docker-compose.yml', 'utf8');
const lines = text.split('\n');

function serviceBlocks(): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  let inServices = false;
  let current: string[] | undefined;
  for (const line of lines) {
    if (/^\S/.test(line)) {
      inServices = line.startsWith('services:');
      current = undefined;
      continue;
    }
    const header = inServices ? /^ {2}([a-z0-9-]+):\s*$/.exec(line) : null;
    if (header) {
      current = [];
      blocks.set(header[1] as string, current);
    } else if (current) current.push(line);
  }
  return blocks;
}

const services = serviceBlocks();
const defaults = loadConfig({});
const publishedPorts = (name: string) =>
  (services.get(name) ?? [])
    .map((l) => /^\s+- "127\.0\.0\.1:(\d+):(\d+)"$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]));
const portOf = (hostPort: string) => Number(new URL(hostPort.includes('://') ? hostPort : `tcp://${hostPort}`).port);

describe('deploy/docker-compose.yml', () => {
  it('has the services of the local stack and Kibana', () => {
    expect([...services.keys()].sort()).toEqual(['es-1', 'es-2', 'es-3', 'kafka-1', 'kafka-2', 'kafka-3', 'kibana', 'redis']);
  });

  it('uses the Kafka and Elasticsearch versions of the local stack, and Redis 7', () => {
    expect(text).toContain(`image: apache/kafka:${KAFKA_VERSION}\n`);
    expect(text).toContain(`image: docker.elastic.co/elasticsearch/elasticsearch:${ELASTICSEARCH_VERSION}\n`);
    expect(text).toContain(`image: docker.elastic.co/kibana/kibana:${ELASTICSEARCH_VERSION}\n`);
    expect(text).toMatch(/image: redis:7(\.\d+)*\n/);
  });

  it('publishes Kafka, Elasticsearch and Redis on the ports the pipeline uses by default, on loopback only', () => {
    expect(['kafka-1', 'kafka-2', 'kafka-3'].flatMap(publishedPorts)).toEqual(defaults.kafka.brokers.map(portOf));
    expect(['es-1', 'es-2', 'es-3'].flatMap(publishedPorts)).toEqual(defaults.elasticsearch.nodes.map(portOf));
    expect(publishedPorts('redis')).toEqual([portOf(defaults.redis.url)]);
    expect(publishedPorts('kibana')).toEqual([5601]);
    const portLines = lines.filter((l) => /^\s+- "[\d.:]+"$/.test(l));
    expect(portLines.length).toBe(8);
    for (const l of portLines) expect(l).toMatch(/"127\.0\.0\.1:/);
  });

  it('runs the brokers in KRaft combined mode with distinct ids, advertising the published host port', () => {
    expect(text).toMatch(/KAFKA_PROCESS_ROLES: broker,controller/);
    expect(text).toMatch(/KAFKA_CONTROLLER_QUORUM_VOTERS: 1@kafka-1:\d+,2@kafka-2:\d+,3@kafka-3:\d+/);
    const ids = new Set<string>();
    for (const name of ['kafka-1', 'kafka-2', 'kafka-3']) {
      const block = (services.get(name) ?? []).join('\n');
      const id = /KAFKA_NODE_ID: (\d+)/.exec(block)?.[1];
      expect(id).toBeDefined();
      ids.add(id as string);
      const [port] = publishedPorts(name);
      expect(block).toContain(`HOST://:${port}`);
      expect(block).toContain(`HOST://127.0.0.1:${port}`);
    }
    expect(ids.size).toBe(3);
    expect(text).toMatch(/KAFKA_MIN_INSYNC_REPLICAS: 2/);
    expect(text).toMatch(/KAFKA_DEFAULT_REPLICATION_FACTOR: 3/);
  });

  it('forms one Elasticsearch cluster of three nodes and points Kibana at all of them', () => {
    expect(text).toContain('cluster.initial_master_nodes: es-1,es-2,es-3');
    for (const name of ['es-1', 'es-2', 'es-3']) {
      const block = (services.get(name) ?? []).join('\n');
      const others = ['es-1', 'es-2', 'es-3'].filter((n) => n !== name).join(',');
      expect(block).toContain(`node.name: ${name}`);
      expect(block).toContain(`discovery.seed_hosts: ${others}`);
    }
    expect((services.get('kibana') ?? []).join('\n')).toContain('ELASTICSEARCH_HOSTS: \'["http://es-1:9200","http://es-2:9200","http://es-3:9200"]\'');
  });

  it('states its security settings and names only real configuration keys', () => {
    expect(text).toMatch(/xpack\.security\.enabled: "false"/);
    expect(text).toMatch(/# SECURITY\./);
    // The pipeline settings the comments tell users to set are real keys of pipeline/config/config.ts.
    const named = new Set(text.match(/\b(?:ES|KAFKA|REDIS)_[A-Z_]+\b/g) ?? []);
    for (const key of [
      'ES_API_KEY',
      'ES_USERNAME',
      'ES_PASSWORD',
      'ES_CA_CERT',
      'ES_TLS_REJECT_UNAUTHORIZED',
      'ES_NODES',
      'KAFKA_SSL',
      'KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_USERNAME',
      'KAFKA_SASL_PASSWORD',
      'REDIS_PASSWORD',
      'REDIS_URL',
    ]) {
      expect(named.has(key), key).toBe(true);
      expect(key in EnvSchema.shape, key).toBe(true);
    }
  });

  it('runs Redis with AOF and noeviction', () => {
    expect((services.get('redis') ?? []).join('\n')).toContain('"--appendonly", "yes", "--maxmemory-policy", "noeviction"');
  });
});
