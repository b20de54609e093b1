import { describe, expect, it } from 'vitest';
import { lagAt, lagOverTime, type LagSample } from '../../../bench/lag-series.js';

const samples = (...pairs: [number, number][]): LagSample[] => pairs.map(([atSeconds, lag]) => ({ atSeconds, lag }));

describe('lagAt', () => {
  const run = samples([0.4, 10], [1.4, 250], [2.5, 90]);

  it('is the last reading at or before the time', () => {
    expect(lagAt(run, 1.4)).toBe(250);
    expect(lagAt(run, 2)).toBe(250);
    expect(lagAt(run, 99)).toBe(90);
  });

  it('is null before the first reading', () => {
    expect(lagAt(run, 0)).toBeNull();
    expect(lagAt([], 5)).toBeNull();
  });
});

describe('lagOverTime', () => {
  it('spaces its points evenly up to the end of the load, each over the runs', () => {
    const runs = [samples([1, 1], [30, 100], [60, 7]), samples([1, 3], [29, 300], [60, 9]), samples([1, 2], [31, 200], [59, 8])];
    const points = lagOverTime(runs, 60, 2);
    expect(points.map((p) => p.atSeconds)).toEqual([30, 60]);
    // The third run's reading at 31 s comes after the 30 s point: it still shows its first reading.
    expect(points[0]?.lag).toMatchObject({ median: 100, min: 2, max: 300 });
    expect(points[1]?.lag).toMatchObject({ median: 8, min: 7, max: 9 });
    expect(lagOverTime(runs, 60).map((p) => p.atSeconds)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it('leaves a point without readings unmeasured', () => {
    expect(lagOverTime([samples([5, 40])], 12, 3)).toEqual([
      { atSeconds: 4, lag: null },
      { atSeconds: 8, lag: { median: 40, min: 40, max: 40, runs: [40] } },
      { atSeconds: 12, lag: { median: 40, min: 40, max: 40, runs: [40] } },
    ]);
  });
});
