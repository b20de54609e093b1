import { describe, expect, it } from 'vitest';
import { figureOf, figureOfField, repeatRuns } from '../../../bench/figure.js';

describe('figureOf', () => {
  it.each([
    { values: [3, 1, 2], median: 2, min: 1, max: 3 },
    { values: [4, 1, 3, 2], median: 2.5, min: 1, max: 4 },
    { values: [7], median: 7, min: 7, max: 7 },
    { values: [5, null, 1, null, 9], median: 5, min: 1, max: 9 },
  ])('summarises $values', ({ values, median, min, max }) => {
    expect(figureOf(values)).toMatchObject({ median, min, max });
  });

  it('keeps every measured run in its order', () => {
    expect(figureOf([3, null, 1])?.runs).toEqual([3, 1]);
  });

  it('is null when nothing was measured', () => {
    expect(figureOf([])).toBeNull();
    expect(figureOf([null, null])).toBeNull();
    expect(figureOf([Number.NaN])).toBeNull();
  });

  it('takes a field of repeated results', () => {
    expect(figureOfField([{ rate: 10 }, { rate: 30 }, { rate: 20 }], (r) => r.rate)).toEqual({ median: 20, min: 10, max: 30, runs: [10, 30, 20] });
  });
});

describe('repeatRuns', () => {
  it('runs one after the other, numbering the runs', async () => {
    const order: string[] = [];
    const out = await repeatRuns(3, async (run) => {
      order.push(`start ${run}`);
      await Promise.resolve();
      order.push(`end ${run}`);
      return run * 10;
    });
    expect(out).toEqual([0, 10, 20]);
    expect(order).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });
});
