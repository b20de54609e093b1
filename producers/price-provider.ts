import type { PriceData } from '../pipeline/contracts/price-event.js';

/** A source of BTC-EUR price points; one implementation per provider, each in its own file. */
export interface PriceProvider {
  /** Provider id as configured in `PRICE_PROVIDERS`, e.g. `kraken`. */
  readonly name: string;
  /**
   * Points with a provider timestamp in `(afterSec, nowSec]`, oldest first. A body that does not
   * parse is a `MalformedResponseError`; a failed request a `FeedRequestError`.
   */
  fetchSince(afterSec: number, nowSec: number): Promise<PriceData[]>;
}
