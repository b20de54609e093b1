import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { RuntimeMetrics } from './metrics.js';

/** A running metrics endpoint. */
export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `/metrics` (Prometheus text) and `/metrics.json` on `port` (0: any free port). */
export async function startMetricsServer(metrics: RuntimeMetrics, port: number, log: Logger): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = async () => {
      if (path === '/metrics') {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
      } else if (path === '/metrics.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(await metrics.snapshot()));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found: try /metrics or /metrics.json\n');
      }
    };
    reply().catch((err: unknown) => {
      log.error({ err }, 'metrics request failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  server.unref();
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
