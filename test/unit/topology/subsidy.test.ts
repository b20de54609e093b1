import { describe, expect, it } from 'vitest';
import { blockEarnings, subsidySat } from '../../../pipeline/topology/domain/subsidy.js';

describe('subsidySat', () => {
  it.each([
    [0, 5_000_000_000n],
    [209_999, 5_000_000_000n],
    [210_000, 2_500_000_000n],
    [420_000, 1_250_000_000n],
    [840_000, 312_500_000n],
    [951_658, 312_500_000n],
    [210_000 * 33, 0n], // 5e9 >> 33 = 0 (a 32-bit shift would wrap around to 5e9 >> 1)
    [210_000 * 32, 1n],
    [210_000 * 64, 0n],
    [210_000 * 1000, 0n],
  ])('height %d -> %d sats', (height, sats) => {
    expect(subsidySat(height)).toBe(sats);
  });
});

describe('blockEarnings', () => {
  it.each([
    { height: 169_482, outputs: [0, 464_537, 5_001_285_463], reward: 5_001_750_000n, fees: 1_750_000n },
    { height: 481_815, outputs: [1_250_000_000, 100_000_000, 0], reward: 1_350_000_000n, fees: 100_000_000n },
    { height: 210_000, outputs: [2_400_000_000], reward: 2_400_000_000n, fees: -100_000_000n },
  ])('height $height: reward $reward, fees $fees', ({ height, outputs, reward, fees }) => {
    const e = blockEarnings(height, outputs);
    expect(e.rewardSat).toBe(reward);
    expect(e.feesSat).toBe(fees);
    expect(e.rewardSat - e.subsidySat).toBe(e.feesSat);
  });
});
