import { z } from 'zod';
import type { PriceData } from '../pipeline/contracts/price-event.js';
import { MalformedResponseError } from './feed-errors.js';
import type { FeedGetter } from './feed-http-client.js';
import type { PriceProvider } from './price-provider.js';

const SimplePriceSchema = z.object({
  bitcoin: z.looseObject({ eur: z.number().positive(), last_updated_at: z.number().int().positive() }),
});
const RangeSchema = z.looseObject({ prices: z.array(z.tuple([z.number(), z.number().positive()])) });

/** Gaps longer than this are filled from the range endpoint; shorter ones from the simple price. */
const CATCH_UP_SECONDS = 3600;

/**
 * CoinGecko: `GET /simple/price?ids=bitcoin&vs_currencies=eur&include_last_updated_at=true` for the
 * current price with its own timestamp, and `GET /coins/bitcoin/market_chart/range` to catch up
 * after a gap (fresh start, downtime).
 */
export class CoinGeckoPriceProvider implements PriceProvider {
  readonly name = 'coingecko';

  constructor(private readonly http: FeedGetter) {}

  async fetchSince(afterSec: number, nowSec: number): Promise<PriceData[]> {
    const points = nowSec - afterSec > CATCH_UP_SECONDS ? await this.range(afterSec + 1, nowSec) : await this.simple();
    return points.filter((p) => p.time > afterSec && p.time <= nowSec).sort((a, b) => a.time - b.time);
  }

  private async simple(): Promise<PriceData[]> {
    const path = '/simple/price?ids=bitcoin&vs_currencies=eur&include_last_updated_at=true';
    const body = await this.http.getJson(path);
    const parsed = SimplePriceSchema.safeParse(body);
    if (!parsed.success) throw new MalformedResponseError({ feed: 'coingecko', path, body: JSON.stringify(body), problem: 'not a simple price response' });
    const { eur, last_updated_at } = parsed.data.bitcoin;
    return [{ pair: 'BTC-EUR', time: last_updated_at, price_eur: eur, source: 'coingecko_simple_price' }];
  }

  private async range(fromSec: number, toSec: number): Promise<PriceData[]> {
    const path = `/coins/bitcoin/market_chart/range?vs_currency=eur&from=${fromSec}&to=${toSec}`;
    const body = await this.http.getJson(path);
    const parsed = RangeSchema.safeParse(body);
    if (!parsed.success) throw new MalformedResponseError({ feed: 'coingecko', path, body: JSON.stringify(body), problem: 'not a market chart response' });
    return parsed.data.prices.map(([ms, price]) => ({
      pair: 'BTC-EUR' as const,
      time: Math.floor(ms / 1000),
      price_eur: price,
      source: 'coingecko_market_chart',
    }));
  }
}
