import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { allIndices, type Names } from '../pipeline/contracts/names.js';
import { fetchClusterMetrics, runtimeKeys, type Logger, type Topology } from '../pipeline/runtime/index.js';
import { dataTimeRange } from '../kibana/dashboard-url.js';
import type { TimeRange } from '../kibana/vega-query.js';
import { renderedPanels } from './analyst-panels.js';
import { elasticsearchStatus, rawTopicStatus, redisStatus } from './cluster-status.js';
import type { DeadLetterReader } from './dead-letter-reader.js';
import { readStaticFile, STATIC_FILES } from './static-files.js';
import { boltTaskOwners, liveWorkers, topologyView } from './topology-view.js';

/** What the UI reads; it writes nothing anywhere. */
export interface UiDeps {
  names: Names;
  topology: Topology;
  es: Client;
  redis: Redis;
  admin: Admin;
  deadLetters: DeadLetterReader;
  log: Logger;
  /** How often the pages refresh, in ms. */
  refreshMs: number;
}

/** A running UI server. */
export interface UiServer {
  port: number;
  close(): Promise<void>;
}

/** A request the UI cannot answer as asked (bad parameter). */
class BadRequest extends Error {}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;

function timeRange(params: URLSearchParams): TimeRange | undefined {
  const from = params.get('from');
  const to = params.get('to');
  if (from === null && to === null) return undefined;
  if (from === null || to === null || !ISO.test(from) || !ISO.test(to) || Date.parse(from) >= Date.parse(to)) {
    throw new BadRequest('from and to must both be UTC ISO times (YYYY-MM-DDTHH:MMZ), from before to');
  }
  return { from, to };
}

/** Settles one reader: its value, or the error's message (a page shows what it could read). */
async function settle<T>(read: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await read();
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

const LAST_7_DAYS_MS = 7 * 86_400_000;

/** The JSON answers of the UI, by path. */
function routes(deps: UiDeps): Map<string, (params: URLSearchParams) => Promise<unknown>> {
  const keys = runtimeKeys(deps.topology.name);
  const workersWithMetrics = async () => {
    const registered = await liveWorkers(deps.redis, keys, new Set());
    const metrics = await fetchClusterMetrics(registered.map((w) => ({ workerId: w.workerId, host: w.host, port: w.metricsPort, pid: w.pid })));
    const unreachable = new Set(metrics.unreachable);
    return { metrics, workers: registered.map((w) => ({ ...w, reachable: !unreachable.has(w.workerId) })) };
  };
  return new Map<string, (params: URLSearchParams) => Promise<unknown>>([
    ['/api/config', async () => ({ namespace: deps.names.namespace, topology: deps.topology.name, refreshMs: deps.refreshMs })],
    [
      '/api/topology',
      async () => {
        const { metrics, workers } = await workersWithMetrics();
        const boltOwners = await boltTaskOwners(deps.redis, keys, deps.topology);
        return topologyView({ topology: deps.topology, metrics, workers, boltOwners, lastErrors: deps.deadLetters.lastErrors() });
      },
    ],
    [
      '/api/status',
      async () => {
        const [kafka, elasticsearch, redis, workers] = await Promise.all([
          settle(() => rawTopicStatus(deps.admin, deps.names)),
          settle(() => elasticsearchStatus(deps.es, deps.names)),
          settle(() => redisStatus(deps.redis)),
          settle(async () => (await workersWithMetrics()).workers),
        ]);
        return { kafka, elasticsearch, redis, workers };
      },
    ],
    ['/api/dead-letters', async () => ({ topics: deps.deadLetters.view(), running: deps.deadLetters.running })],
    [
      '/api/panels',
      async (params) => {
        const asked = timeRange(params);
        const range = asked ??
          (await dataTimeRange(deps.es, allIndices(deps.names))) ?? {
            from: new Date(Date.now() - LAST_7_DAYS_MS).toISOString(),
            to: new Date().toISOString(),
          };
        return { range, panels: await renderedPanels(deps.es, deps.names.namespace, range) };
      },
    ],
  ]);
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(head ? undefined : body);
}

/**
 * Starts the read-only UI: GET (and HEAD) only, every other method answered 405; the pages, the
 * vega browser builds from node_modules, and JSON under `/api/`.
 */
export async function startUiServer(deps: UiDeps, listen: { host: string; port: number }): Promise<UiServer> {
  const api = routes(deps);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('read-only: GET and HEAD only\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://ui.invalid');
    const file = STATIC_FILES.get(url.pathname);
    if (file) return send(res, 200, file.type, await readStaticFile(file), head);
    const route = api.get(url.pathname);
    if (!route) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
    try {
      return send(res, 200, 'application/json', JSON.stringify(await route(url.searchParams)), head);
    } catch (err) {
      if (err instanceof BadRequest) return send(res, 400, 'application/json', JSON.stringify({ error: err.message }), head);
      deps.log.warn({ err, path: url.pathname }, 'ui request failed');
      return send(res, 503, 'application/json', JSON.stringify({ error: err instanceof Error ? err.message : String(err) }), head);
    }
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      deps.log.error({ err }, 'ui request crashed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
