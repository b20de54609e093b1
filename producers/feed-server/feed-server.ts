import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { FaultPlan, FaultSchema, type Fault } from './fault-plan.js';
import { FEED_SERVER_PATHS, json, notFound, RecordedFeedApi, type FeedReply } from './recorded-feed-api.js';
import type { RecordedFeedData } from './recorded-feed-data.js';
import { competingTip, type ReorgReply, ReorgRequestSchema } from './reorg-scenario.js';

/** Environment that points the producers at a feed server on `baseUrl`. */
export function feedServerEnv(baseUrl: string): Record<string, string> {
  return {
    FEED_BLOCKS_URL: `${baseUrl}${FEED_SERVER_PATHS.esplora}`,
    FEED_MEMPOOL_URL: `${baseUrl}${FEED_SERVER_PATHS.esplora}`,
    KRAKEN_URL: `${baseUrl}${FEED_SERVER_PATHS.kraken}`,
    COINGECKO_URL: `${baseUrl}${FEED_SERVER_PATHS.coingecko}`,
  };
}

/**
 * Serves a recorded data directory in the shapes of the real APIs the live producers call
 * (Esplora, Kraken public OHLC/Ticker, CoinGecko simple price and market chart), so the real
 * producers run end to end offline. `POST /__control/faults` queues faults (5xx, hanging
 * requests, 429 with Retry-After, malformed bodies) for the next N requests; `POST /__control/reorg`
 * replaces the served tip with a competing block (see `competingTip`); `GET /__control/stats`
 * reports what was served; `POST /__control/reset` clears faults and counters.
 */
export class FeedServer {
  readonly faults = new FaultPlan();
  private readonly requests = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private readonly api: RecordedFeedApi;

  constructor(
    private readonly data: RecordedFeedData,
    private readonly log: Logger,
    private readonly options: { hangMs?: number } = {},
  ) {
    this.api = new RecordedFeedApi(data);
  }

  /** Listens on `port` (0: any) on 127.0.0.1; resolves with the base URL. */
  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.log.error({ err, url: req.url }, 'feed server request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    const address = server.address();
    const actual = typeof address === 'object' && address !== null ? address.port : port;
    return `http://${host}:${actual}`;
  }

  /** Stops listening and drops open connections (hanging requests included). */
  async close(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests served per path, and faults served and pending. */
  stats(): { requests: Record<string, number>; faultsServed: Record<string, number>; faultsPending: number } {
    return { requests: Object.fromEntries(this.requests), faultsServed: { ...this.faults.served }, faultsPending: this.faults.pending() };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://feed.local');
    const path = url.pathname;
    if (path.startsWith(FEED_SERVER_PATHS.control)) return this.control(req, res, path.slice(FEED_SERVER_PATHS.control.length));
    this.requests.set(path, (this.requests.get(path) ?? 0) + 1);

    const fault = this.faults.take(path);
    if (fault !== null && fault.mode !== 'malformed') return this.injure(res, fault);
    const reply = this.api.answer(path, url.searchParams);
    if (fault !== null && reply.status === 200) return send(res, malform(reply));
    send(res, reply);
  }

  private injure(res: ServerResponse, fault: Fault): void {
    if (fault.mode === 'error') {
      send(res, { status: fault.status, type: 'text/plain', body: 'injected server error' });
      return;
    }
    if (fault.mode === 'rate-limit') {
      send(res, { status: 429, type: 'text/plain', body: 'too many requests', headers: { 'retry-after': String(fault.retryAfterSeconds) } });
      return;
    }
    // timeout: never answer; the connection is dropped after `hangMs` (or at close).
    const timer = setTimeout(() => res.destroy(), this.options.hangMs ?? 120_000);
    res.on('close', () => clearTimeout(timer));
  }

  private async control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === 'POST' && path === '/faults') {
      const parsed = FaultSchema.safeParse(JSON.parse((await readBody(req)) || '{}'));
      if (!parsed.success) return send(res, { status: 400, type: 'application/json', body: JSON.stringify(parsed.error.issues) });
      this.faults.add(parsed.data);
      return send(res, json({ pending: this.faults.pending() }));
    }
    if (req.method === 'POST' && path === '/reorg') {
      const parsed = ReorgRequestSchema.safeParse(JSON.parse((await readBody(req)) || '{}'));
      if (!parsed.success) return send(res, { status: 400, type: 'application/json', body: JSON.stringify(parsed.error.issues) });
      const tip = this.data.tip();
      if (tip === undefined) return send(res, notFound('no blocks'));
      const competing = competingTip(tip, parsed.data);
      this.data.replaceTip(competing.block);
      const reply: ReorgReply = { height: tip.height, replaced: tip.hash, by: competing.block.hash, dropped: competing.dropped };
      this.log.warn(
        { height: reply.height, replaced: reply.replaced, by: reply.by, dropped: reply.dropped.length },
        'served chain switched to a competing tip',
      );
      return send(res, json(reply));
    }
    if (req.method === 'POST' && path === '/reset') {
      this.faults.clear();
      this.requests.clear();
      return send(res, json({ ok: true }));
    }
    if (path === '/stats') return send(res, json(this.stats()));
    send(res, notFound('unknown control path'));
  }
}

/** The reply damaged the way real feeds damage them: truncated JSON, garbage text, cut bytes. */
function malform(reply: FeedReply): FeedReply {
  if (Buffer.isBuffer(reply.body)) return { ...reply, body: reply.body.subarray(0, Math.floor(reply.body.length / 2)) };
  if (reply.type === 'application/json') return { ...reply, body: reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))) };
  return { ...reply, body: '<html>upstream error</html>' };
}

function send(res: ServerResponse, reply: FeedReply): void {
  res.writeHead(reply.status, { 'content-type': reply.type, ...reply.headers });
  res.end(reply.body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
