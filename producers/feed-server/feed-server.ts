import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { FaultPlan, FaultSchema, type Fault } from './fault-plan.js';
import type { RecordedFeedData, ServedBlock } from './recorded-feed-data.js';

/** Path prefixes of the APIs the feed server imitates; base URLs for the producers. */
export const FEED_SERVER_PATHS = { esplora: '/esplora', kraken: '/kraken', coingecko: '/coingecko/api/v3', control: '/__control' } as const;

/** Environment that points the producers at a feed server on `baseUrl`. */
export function feedServerEnv(baseUrl: string): Record<string, string> {
  return {
    FEED_BLOCKS_URL: `${baseUrl}${FEED_SERVER_PATHS.esplora}`,
    FEED_MEMPOOL_URL: `${baseUrl}${FEED_SERVER_PATHS.esplora}`,
    KRAKEN_URL: `${baseUrl}${FEED_SERVER_PATHS.kraken}`,
    COINGECKO_URL: `${baseUrl}${FEED_SERVER_PATHS.coingecko}`,
  };
}

type Reply = { status: number; type: string; body: string | Buffer; headers?: Record<string, string> };

const json = (value: unknown): Reply => ({ status: 200, type: 'application/json', body: JSON.stringify(value) });
const text = (value: string): Reply => ({ status: 200, type: 'text/plain', body: value });
const notFound = (what: string): Reply => ({ status: 404, type: 'text/plain', body: what });

/**
 * Serves a recorded data directory in the shapes of the real APIs the live producers call
 * (Esplora, Kraken public OHLC/Ticker, CoinGecko simple price and market chart), so the real
 * producers run end to end offline. `POST /__control/faults` queues faults (5xx, hanging
 * requests, 429 with Retry-After, malformed bodies) for the next N requests; `GET /__control/stats`
 * reports what was served; `POST /__control/reset` clears faults and counters.
 */
export class FeedServer {
  readonly faults = new FaultPlan();
  private readonly requests = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private mempoolOffset = 0;

  constructor(
    private readonly data: RecordedFeedData,
    private readonly log: Logger,
    private readonly options: { hangMs?: number } = {},
  ) {}

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
    const reply = this.route(path, url.searchParams);
    if (fault !== null && reply.status === 200) return send(res, malform(reply));
    send(res, reply);
  }

  private injure(res: ServerResponse, fault: Fault): void {
    if (fault.mode === 'error') return send(res, { status: fault.status, type: 'text/plain', body: 'injected server error' });
    if (fault.mode === 'rate-limit') {
      return send(res, { status: 429, type: 'text/plain', body: 'too many requests', headers: { 'retry-after': String(fault.retryAfterSeconds) } });
    }
    // timeout: never answer; the connection is dropped after `hangMs` (or at close).
    const timer = setTimeout(() => res.destroy(), this.options.hangMs ?? 120_000);
    res.on('close', () => clearTimeout(timer));
  }

  private route(path: string, query: URLSearchParams): Reply {
    const { esplora, kraken, coingecko } = FEED_SERVER_PATHS;
    if (path.startsWith(`${esplora}/`)) return this.esplora(path.slice(esplora.length));
    if (path.startsWith(`${kraken}/`)) return this.kraken(path.slice(kraken.length), query);
    if (path.startsWith(`${coingecko}/`)) return this.coingecko(path.slice(coingecko.length), query);
    return notFound('unknown path');
  }

  private esplora(path: string): Reply {
    const tip = this.data.tip();
    if (path === '/blocks/tip/height') return tip ? text(String(tip.height)) : notFound('no blocks');
    if (path === '/blocks/tip/hash') return tip ? text(tip.hash) : notFound('no blocks');
    if (path === '/mempool/recent') return json(this.mempoolRecent());
    let m = /^\/block-height\/(\d+)$/.exec(path);
    if (m) {
      const block = this.data.blocks.find((b) => b.height === Number(m?.[1]));
      return block ? text(block.hash) : notFound('Block not found');
    }
    m = /^\/blocks(?:\/(\d+))?$/.exec(path);
    if (m) {
      const start = m[1] === undefined ? Number.POSITIVE_INFINITY : Number(m[1]);
      return json(this.data.blocks.filter((b) => b.height <= start).slice(-10).reverse().map(summary));
    }
    m = /^\/block\/([0-9a-f]{64})(\/raw|\/header)?$/.exec(path);
    if (m) {
      const block = this.data.byHash(m[1] as string);
      if (!block) return notFound('Block not found');
      if (m[2] === '/raw') return { status: 200, type: 'application/octet-stream', body: block.raw };
      if (m[2] === '/header') return text(block.raw.subarray(0, 80).toString('hex'));
      return json(summary(block));
    }
    return notFound('unknown esplora path');
  }

  /** Ten recorded transactions per call, rotating, like a mempool whose recent set moves on. */
  private mempoolRecent(): unknown[] {
    const all = this.data.mempool;
    if (all.length === 0) return [];
    const out = [];
    for (let i = 0; i < Math.min(10, all.length); i++) out.push(all[(this.mempoolOffset + i) % all.length]);
    this.mempoolOffset = (this.mempoolOffset + 10) % all.length;
    return out;
  }

  private kraken(path: string, query: URLSearchParams): Reply {
    if (query.get('pair') !== 'XBTEUR') return json({ error: ['EQuery:Unknown asset pair'] });
    const points = this.data.hourlyPrices;
    if (path === '/0/public/OHLC') {
      if (query.get('interval') !== '60') return json({ error: ['EGeneral:Invalid arguments'] });
      const since = Number(query.get('since') ?? '0');
      // Kraken serves at most 720 candles; a candle [start, start+1h) ends at the recorded point.
      const candles = points
        .filter((p) => p.t - 3600 >= since)
        .slice(0, 720)
        .map((p) => {
          const v = String(p.priceEur);
          return [p.t - 3600, v, v, v, v, v, '0.00000000', 0];
        });
      const last = candles.at(-1)?.[0] ?? since;
      return json({ error: [], result: { XXBTZEUR: candles, last } });
    }
    if (path === '/0/public/Ticker') {
      const p = points.at(-1);
      if (!p) return json({ error: ['EGeneral:Unavailable'] });
      const v = String(p.priceEur);
      return json({ error: [], result: { XXBTZEUR: { a: [v, '1', '1.000'], b: [v, '1', '1.000'], c: [v, '0.01'], v: ['0', '0'], p: [v, v], t: [0, 0], l: [v, v], h: [v, v], o: v } } });
    }
    return notFound('unknown kraken path');
  }

  private coingecko(path: string, query: URLSearchParams): Reply {
    const points = this.data.otherPrices;
    if (path === '/simple/price') {
      if (query.get('ids') !== 'bitcoin' || query.get('vs_currencies') !== 'eur') return json({});
      const p = points.at(-1);
      if (!p) return json({});
      return json({ bitcoin: { eur: p.priceEur, ...(query.get('include_last_updated_at') === 'true' ? { last_updated_at: p.t } : {}) } });
    }
    if (path === '/coins/bitcoin/market_chart/range') {
      const from = Number(query.get('from'));
      const to = Number(query.get('to'));
      if (query.get('vs_currency') !== 'eur' || !Number.isFinite(from) || !Number.isFinite(to)) {
        return { status: 400, type: 'application/json', body: JSON.stringify({ error: 'invalid parameters' }) };
      }
      const inRange = points.filter((p) => p.t >= from && p.t <= to);
      return json({ prices: inRange.map((p) => [p.t * 1000, p.priceEur]), market_caps: [], total_volumes: [] });
    }
    return notFound('unknown coingecko path');
  }

  private async control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === 'POST' && path === '/faults') {
      const parsed = FaultSchema.safeParse(JSON.parse((await readBody(req)) || '{}'));
      if (!parsed.success) return send(res, { status: 400, type: 'application/json', body: JSON.stringify(parsed.error.issues) });
      this.faults.add(parsed.data);
      return send(res, json({ pending: this.faults.pending() }));
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

function summary(b: ServedBlock) {
  return {
    id: b.hash,
    height: b.height,
    version: b.header.version,
    timestamp: b.header.timestamp,
    tx_count: b.txCount,
    size: b.raw.length,
    weight: b.header.weight(),
    merkle_root: Buffer.from(b.header.merkleRoot ?? new Uint8Array(32)).reverse().toString('hex'),
    previousblockhash: b.previousHash,
    nonce: b.header.nonce,
    bits: b.header.bits,
  };
}

/** The reply damaged the way real feeds damage them: truncated JSON, garbage text, cut bytes. */
function malform(reply: Reply): Reply {
  if (Buffer.isBuffer(reply.body)) return { ...reply, body: reply.body.subarray(0, Math.floor(reply.body.length / 2)) };
  if (reply.type === 'application/json') return { ...reply, body: reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))) };
  return { ...reply, body: '<html>upstream error</html>' };
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'content-type': reply.type, ...reply.headers });
  res.end(reply.body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
