import type { RecordedFeedData, ServedBlock } from './recorded-feed-data.js';

/** Path prefixes of the APIs the feed server imitates; base URLs for the producers. */
export const FEED_SERVER_PATHS = { esplora: '/esplora', kraken: '/kraken', coingecko: '/coingecko/api/v3', control: '/__control' } as const;

/** One HTTP answer of the feed server. */
export interface FeedReply {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

/** A 200 JSON answer. */
export const json = (value: unknown): FeedReply => ({ status: 200, type: 'application/json', body: JSON.stringify(value) });
const text = (value: string): FeedReply => ({ status: 200, type: 'text/plain', body: value });
/** A 404 with a short text, as the real APIs answer unknown things. */
export const notFound = (what: string): FeedReply => ({ status: 404, type: 'text/plain', body: what });

/**
 * The APIs the live producers call (Esplora, Kraken public OHLC/Ticker, CoinGecko simple price and
 * market chart) answered from a recorded data directory, without any I/O: the feed server puts it
 * on HTTP, and unit tests check the providers' parsing against the same shapes.
 */
export class RecordedFeedApi {
  private mempoolOffset = 0;

  constructor(private readonly data: RecordedFeedData) {}

  /** The answer to `GET path?query`, as the real API would give it. */
  answer(path: string, query: URLSearchParams): FeedReply {
    const { esplora, kraken, coingecko } = FEED_SERVER_PATHS;
    if (path.startsWith(`${esplora}/`)) return this.esplora(path.slice(esplora.length));
    if (path.startsWith(`${kraken}/`)) return this.kraken(path.slice(kraken.length), query);
    if (path.startsWith(`${coingecko}/`)) return this.coingecko(path.slice(coingecko.length), query);
    return notFound('unknown path');
  }

  private esplora(path: string): FeedReply {
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
      return json(
        this.data.blocks
          .filter((b) => b.height <= start)
          .slice(-10)
          .reverse()
          .map(summary),
      );
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

  private kraken(path: string, query: URLSearchParams): FeedReply {
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
      return json({
        error: [],
        result: { XXBTZEUR: { a: [v, '1', '1.000'], b: [v, '1', '1.000'], c: [v, '0.01'], v: ['0', '0'], p: [v, v], t: [0, 0], l: [v, v], h: [v, v], o: v } },
      });
    }
    return notFound('unknown kraken path');
  }

  private coingecko(path: string, query: URLSearchParams): FeedReply {
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
    merkle_root: Buffer.from(b.header.merkleRoot ?? new Uint8Array(32))
      .reverse()
      .toString('hex'),
    previousblockhash: b.previousHash,
    nonce: b.header.nonce,
    bits: b.header.bits,
  };
}
