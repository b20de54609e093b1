import { describe, expect, it } from 'vitest';
import { beats, largestTransaction, type TxCandidate } from '../../../pipeline/topology/domain/max-transaction.js';

const tx = (txid: string, sats: bigint, blockHeight: number, indexInBlock: number): TxCandidate => ({ txid, sats, blockHeight, indexInBlock });

describe('largest transaction', () => {
  it.each([
    ['larger sats wins', [tx('a', 5n, 10, 1), tx('b', 6n, 11, 9)], 'b'],
    ['tie: lower height wins', [tx('a', 5n, 11, 1), tx('b', 5n, 10, 9)], 'b'],
    ['tie: earlier position wins', [tx('a', 5n, 10, 3), tx('b', 5n, 10, 2)], 'b'],
    ['order of arrival does not matter', [tx('b', 5n, 10, 2), tx('a', 5n, 10, 3)], 'b'],
    ['beyond 2^53 sats compare exactly', [tx('a', 9_007_199_254_740_993n, 1, 1), tx('b', 9_007_199_254_740_992n, 1, 0)], 'a'],
  ])('%s', (_name, candidates, winner) => {
    expect(largestTransaction(candidates)?.txid).toBe(winner);
  });

  it('has no winner without candidates and never beats itself', () => {
    expect(largestTransaction([])).toBeNull();
    const a = tx('a', 1n, 1, 1);
    expect(beats(a, a)).toBe(false);
  });
});
