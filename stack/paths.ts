import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the local stack keeps its downloads (`.cache/`) and its runtime state (`.run/`). */
export interface StackPaths {
  repoRoot: string;
  /** Downloads that survive `down` and `reset`: Kafka jars, the Elasticsearch distribution. */
  cache: string;
  /** Runtime state: data, configs, pid files, the cluster id. Deleting it wipes the stack. */
  run: string;
  logs: string;
  kafkaLibs: string;
  kafkaClusterIdFile: string;
  elasticsearchHome: string;
  elasticsearchZipDir: string;
  redisDir: string;
  pom: string;
  templates: string;
}

/** The Elasticsearch version the stack runs (the newest 8.x integ-test-zip on Maven Central when written). */
export const ELASTICSEARCH_VERSION = '8.19.21';

/** Resolves every stack path from the repository root (default: the checkout this file lives in). */
export function stackPaths(repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..')): StackPaths {
  const cache = join(repoRoot, '.cache');
  const run = join(repoRoot, '.run');
  return {
    repoRoot,
    cache,
    run,
    logs: join(run, 'logs'),
    kafkaLibs: join(cache, 'kafka', 'libs'),
    kafkaClusterIdFile: join(run, 'kafka-cluster-id'),
    elasticsearchHome: join(cache, `elasticsearch-${ELASTICSEARCH_VERSION}`),
    elasticsearchZipDir: join(cache, 'downloads'),
    redisDir: join(run, 'redis'),
    pom: join(repoRoot, 'stack', 'pom.xml'),
    templates: join(repoRoot, 'stack', 'templates'),
  };
}
