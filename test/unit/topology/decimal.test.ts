import { describe, expect, it } from 'vitest';
import { add, decimalOfNumber, multiply, parseDecimal, toFixedHalfUp, toNumber, toPlainString } from '../../../pipeline/topology/domain/decimal.js';
import { btcOf, eurOf } from '../../../pipeline/topology/domain/amounts.js';

describe('decimal', () => {
  it.each([
    ['3.48', '3.48'],
    ['100', '100'],
    ['1e-7', '0.0000001'],
    ['1.5e3', '1500'],
    ['-0.50', '-0.5'],
    ['0.000', '0'],
  ])('parses %s as %s', (text, plain) => {
    expect(toPlainString(parseDecimal(text))).toBe(plain);
  });

  it.each([
    [0.1, 0.2, '0.3'],
    [1e-8, 2, '2.00000001'],
    [12345.678901, 0.000099, '12345.679'],
  ])('adds %s + %s exactly', (a, b, sum) => {
    expect(toPlainString(add(decimalOfNumber(a), decimalOfNumber(b)))).toBe(sum);
  });

  it.each([
    ['1.005', 2, '1.01'],
    ['1.004999', 2, '1.00'],
    ['-2.345', 2, '-2.35'],
    ['7', 2, '7.00'],
    ['0.125', 0, '0'],
  ])('rounds %s half up to %d places: %s', (text, places, out) => {
    expect(toFixedHalfUp(parseDecimal(text), places)).toBe(out);
  });

  it.each([
    // sats, price, exact EUR
    [5_001_750_000, '3.48', '174.0609'],
    [50_000_000_000, '3.48', '1740'],
    [1, '0.01', '0.0000000001'],
    [2_100_000_000_000_000, '98765.4321', '2074074074100'],
  ])('EUR of %d sats at %s is %s', (sats, price, eur) => {
    expect(toPlainString(eurOf(sats, price))).toBe(eur);
  });

  it('multiplies without binary rounding and converts to the nearest number only at the end', () => {
    const x = multiply(parseDecimal('0.1'), parseDecimal('3'));
    expect(toPlainString(x)).toBe('0.3');
    expect(toNumber(x)).toBe(0.3);
    expect(toPlainString(btcOf(123_456_789n))).toBe('1.23456789');
  });

  it('rejects text that is not a number', () => {
    expect(() => parseDecimal('12,5')).toThrow();
  });
});
