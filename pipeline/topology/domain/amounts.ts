import { type Decimal, decimalOfInteger, multiply, parseDecimal, shiftLeft, toNumber } from './decimal.js';

/** Satoshis in one bitcoin. */
export const SATS_PER_BTC = 100_000_000;

/** Exact BTC amount of `sats`. */
export function btcOf(sats: bigint | number): Decimal {
  return shiftLeft(decimalOfInteger(sats), 8);
}

/** BTC of `sats` as the nearest JS number (for documents). */
export function btcNumber(sats: bigint | number): number {
  return toNumber(btcOf(sats));
}

/** Exact EUR of `sats` at `priceEur` (decimal text as the provider wrote it): sats / 1e8 x price. */
export function eurOf(sats: bigint | number, priceEur: string): Decimal {
  return multiply(btcOf(sats), parseDecimal(priceEur));
}
