import { readFileSync } from 'node:fs';
import { Client, type ClientOptions } from '@elastic/elasticsearch';
import type { Config } from '../config/config.js';

/** Options of `createElasticsearch`. */
export interface CreateElasticsearchOptions {
  /** Timeout of one request in ms (default 30 000). */
  requestTimeoutMs?: number;
  /** Retries of one request on connection errors and 502/503/504 (default 5). */
  maxRetries?: number;
}

/** Builds the client options for the configured cluster (API key or basic auth, TLS CA). */
export function elasticsearchClientOptions(config: Config, options: CreateElasticsearchOptions = {}): ClientOptions {
  const es = config.elasticsearch;
  const tls =
    es.caCertPath || !es.rejectUnauthorized
      ? { tls: { ...(es.caCertPath ? { ca: readFileSync(es.caCertPath) } : {}), rejectUnauthorized: es.rejectUnauthorized } }
      : {};
  return {
    nodes: es.nodes,
    ...(es.auth ? { auth: es.auth } : {}),
    ...tls,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 5,
    // A dead node is resurrected after a while; with several nodes the pool skips it meanwhile.
    resurrectStrategy: 'ping',
  };
}

/** Creates an Elasticsearch client for the configured cluster. */
export function createElasticsearch(config: Config, options: CreateElasticsearchOptions = {}): Client {
  return new Client(elasticsearchClientOptions(config, options));
}
