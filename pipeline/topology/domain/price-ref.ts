/**
 * The price point that prices an event: the latest BTC-EUR point with `t <= event time`.
 * `price` is the decimal text as the provider wrote it.
 */
export interface PriceRef {
  /** Point time, Unix seconds. */
  t: number;
  price: string;
  source: string;
}

/**
 * External version of a document whose only changing input is its price point (blocks,
 * transactions). As points arrive, the point chosen for a fixed event time can only move to a
 * later `t`, so `t + 2` grows with the state; 1 means "no price yet". Rendering the same state
 * twice gives the same version, so a replay is a 409 (nothing changes).
 */
export function priceVersion(price: PriceRef | null): number {
  return price === null ? 1 : price.t + 2;
}

/** ISO text of a point time. */
export function priceTimeIso(price: PriceRef): string {
  return new Date(price.t * 1000).toISOString();
}

/** Versions of status revision `r` start at `r * 2^32` (price point times stay below 2^32 - 2 until 2106). */
const STATUS_STEP = 2 ** 32;

/**
 * External version of a block or transaction document: its status revision (how many times its
 * best-chain status or home block changed) first, then `priceVersion`. Both parts only grow, so
 * a later state always has a higher version, and the same state the same version.
 */
export function documentVersion(statusRev: number, price: PriceRef | null): number {
  return statusRev * STATUS_STEP + priceVersion(price);
}
