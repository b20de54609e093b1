import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { type CpuProfiler, ProfilerBusyError } from './cpu-profiler.js';
import type { RuntimeMetrics } from './metrics.js';

/** A running metrics endpoint. */
export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Options of `startMetricsServer`. */
export interface MetricsServerOptions {
  /** Serves `/debug/cpu-profile?seconds=N` with it; absent (the default), that path answers 404. */
  profiler?: CpuProfiler;
}

/**
 * Serves `/metrics` (Prometheus text) and `/metrics.json` on `port` (0: any free port), and with a
 * `profiler`, `/debug/cpu-profile?seconds=N` (default 10): a CPU profile of the next N seconds of
 * this process, as JSON (a `.cpuprofile`); 409 while another one runs.
 */
export async function startMetricsServer(metrics: RuntimeMetrics, port: number, log: Logger, options: MetricsServerOptions = {}): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const reply = async () => {
      if (path === '/debug/cpu-profile') {
        await replyProfile(options.profiler, url.searchParams.get('seconds') ?? '10', res, log);
      } else if (path === '/metrics') {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(await metrics.registry.metrics());
      } else if (path === '/metrics.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(await metrics.snapshot()));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end(`not found: try /metrics or /metrics.json${options.profiler ? ' or /debug/cpu-profile?seconds=10' : ''}\n`);
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function replyProfile(profiler: CpuProfiler | undefined, secondsText: string, res: ServerResponse, log: Logger): Promise<void> {
  const text = (status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(`${body}\n`);
  };
  if (profiler === undefined) return text(404, 'profiling is off in this worker: start it with the runtime option profilerEnabled');
  const seconds = Number(secondsText);
  try {
    log.info({ seconds: secondsText }, 'cpu profile requested');
    const profile = await profiler.capture(seconds);
    log.info({ seconds, samples: profile.samples?.length ?? 0 }, 'cpu profile taken');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(profile));
  } catch (err) {
    if (err instanceof ProfilerBusyError) return text(409, err.message);
    if (err instanceof RangeError) return text(400, err.message);
    throw err;
  }
}
