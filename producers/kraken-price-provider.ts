import { z } from 'zod';
import type { PriceData } from '../pipeline/contracts/price-event.js';
import { MalformedResponseError } from './feed-errors.js';
import type { FeedGetter } from './feed-http-client.js';
import type { PriceProvider } from './price-provider.js';

const CANDLE_SECONDS = 3600;
const Decimal = z.union([z.string().regex(/^\d+(\.\d+)?$/), z.number()]).transform(Number);
// [time, open, high, low, close, vwap, volume, count]
const CandleSchema = z.tuple([z.number().int(), Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, z.number()]);
const OhlcSchema = z.object({
  error: z.array(z.string()),
  result: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Kraken public OHLC (`GET /0/public/OHLC?pair=XBTEUR&interval=60&since=S`): one point per
 * closed hourly candle, at the candle's end (start + 1 h) with its close, so a point never looks
 * ahead. The candle still open is left out until it closes. (Kraken's Ticker carries no
 * timestamp, so it cannot give a point with the provider's own time.)
 */
export class KrakenPriceProvider implements PriceProvider {
  readonly name = 'kraken';

  constructor(private readonly http: FeedGetter) {}

  async fetchSince(afterSec: number, nowSec: number): Promise<PriceData[]> {
    const since = Math.max(0, afterSec - CANDLE_SECONDS);
    const path = `/0/public/OHLC?pair=XBTEUR&interval=60&since=${since}`;
    const body = await this.http.getJson(path);
    const malformed = (problem: string) => new MalformedResponseError({ feed: 'kraken', path, body: JSON.stringify(body), problem });
    const parsed = OhlcSchema.safeParse(body);
    if (!parsed.success) throw malformed('not an OHLC response');
    if (parsed.data.error.length > 0) throw malformed(`kraken error: ${parsed.data.error.join(', ')}`);
    const series = Object.entries(parsed.data.result ?? {}).find(([k]) => k !== 'last')?.[1];
    const candles = z.array(CandleSchema).safeParse(series);
    if (!candles.success) throw malformed('OHLC candles do not parse');
    return candles.data
      .map(([start, , , , close]) => ({ pair: 'BTC-EUR' as const, time: start + CANDLE_SECONDS, price_eur: close, source: 'kraken_xbteur_1h_close' }))
      .filter((p) => p.time > afterSec && p.time <= nowSec)
      .sort((a, b) => a.time - b.time);
  }
}
