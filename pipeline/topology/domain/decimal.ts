import { InvariantError } from '../../runtime/index.js';

/**
 * An exact decimal number: `coefficient x 10^-scale`. Used for EUR amounts, which are
 * `sats x price` with the price exactly as the provider wrote it; no binary rounding happens
 * until `toNumber` (for a document) or `toFixedHalfUp` (for people).
 */
export interface Decimal {
  readonly coefficient: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/** Parses decimal text such as `3.48`, `-0.5` or `1e-7` (what `String(number)` writes). */
export function parseDecimal(text: string): Decimal {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (m === null) throw new InvariantError('not a decimal number', { text });
  const [, sign = '', intPart = '0', fracPart = '', expPart = '0'] = m;
  const exponent = Number.parseInt(expPart, 10);
  let coefficient = BigInt(`${intPart}${fracPart}`);
  let scale = fracPart.length - exponent;
  if (scale < 0) {
    coefficient *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return normalize({ coefficient: sign === '-' ? -coefficient : coefficient, scale });
}

/** The decimal of a finite JS number, as JavaScript writes it (shortest round-trip text). */
export function decimalOfNumber(value: number): Decimal {
  if (!Number.isFinite(value)) throw new InvariantError('not a finite number', { value });
  return parseDecimal(String(value));
}

/** Zero. */
export const ZERO: Decimal = { coefficient: 0n, scale: 0 };

/** `a + b`, exact. */
export function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return normalize({ coefficient: rescale(a, scale) + rescale(b, scale), scale });
}

/** `a x b`, exact. */
export function multiply(a: Decimal, b: Decimal): Decimal {
  return normalize({ coefficient: a.coefficient * b.coefficient, scale: a.scale + b.scale });
}

/** `value / 10^places`, exact. */
export function shiftLeft(value: Decimal, places: number): Decimal {
  return normalize({ coefficient: value.coefficient, scale: value.scale + places });
}

/** The integer as a decimal. */
export function decimalOfInteger(value: bigint | number): Decimal {
  return { coefficient: BigInt(value), scale: 0 };
}

/** Exact decimal text, e.g. `1740.0123` (no exponent, no trailing zeros). */
export function toPlainString(value: Decimal): string {
  const negative = value.coefficient < 0n;
  const digits = (negative ? -value.coefficient : value.coefficient).toString().padStart(value.scale + 1, '0');
  const intPart = digits.slice(0, digits.length - value.scale);
  const fracPart = digits.slice(digits.length - value.scale);
  return `${negative ? '-' : ''}${intPart}${fracPart.length > 0 ? `.${fracPart}` : ''}`;
}

/** The nearest JS number (correctly rounded from the exact text). */
export function toNumber(value: Decimal): number {
  return Number(toPlainString(value));
}

/** Text rounded half away from zero to `places` decimals, e.g. cents: `toFixedHalfUp(x, 2)`. */
export function toFixedHalfUp(value: Decimal, places: number): string {
  if (value.scale <= places) return padFraction(toPlainString(value), places);
  const divisor = 10n ** BigInt(value.scale - places);
  const negative = value.coefficient < 0n;
  const magnitude = negative ? -value.coefficient : value.coefficient;
  let rounded = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) rounded += 1n;
  return padFraction(toPlainString({ coefficient: negative ? -rounded : rounded, scale: places }), places);
}

function padFraction(text: string, places: number): string {
  if (places === 0) return text;
  const [intPart, fracPart = ''] = text.split('.');
  return `${intPart}.${fracPart.padEnd(places, '0')}`;
}

function rescale(value: Decimal, scale: number): bigint {
  return value.coefficient * 10n ** BigInt(scale - value.scale);
}

function normalize(value: Decimal): Decimal {
  let { coefficient, scale } = value;
  while (scale > 0 && coefficient % 10n === 0n) {
    coefficient /= 10n;
    scale -= 1;
  }
  return coefficient === 0n ? ZERO : { coefficient, scale };
}
