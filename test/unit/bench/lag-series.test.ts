import { describe, expect, it } from 'vitest';
import { lagAt, lagOverTime, type LagSample, loadSeconds, mergingShare } from '../../../bench/lag-series.js';

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
  it('takes evenly spaced shares of each run’s own load, the last one its end, each over the runs', () => {
    const runs = [samples([1, 1], [30, 100], [60, 7]), samples([1, 3], [29, 300], [60, 9]), samples([1, 2], [31, 200], [59, 8])];
    const points = lagOverTime(runs, 2);
    expect(points.map((p) => p.share)).toEqual([0.5, 1]);
    // Half of the third run's load is 29.5 s, before its reading at 31 s: it still shows its first reading.
    expect(points[0]?.lag).toMatchObject({ median: 100, min: 2, max: 300 });
    expect(points[1]?.lag).toMatchObject({ median: 8, min: 7, max: 9 });
    expect(lagOverTime(runs)).toHaveLength(6);
  });

  it('follows a load that ran longer than asked to its end', () => {
    const short = samples([1, 10], [30, 20], [60, 30]);
    const long = samples([1, 10], [45, 4_000], [90, 9_000]);
    expect(lagOverTime([short, long], 2).map((p) => p.lag?.runs)).toEqual([
      [20, 4_000],
      [30, 9_000],
    ]);
    expect(loadSeconds([short, long])).toMatchObject({ min: 60, max: 90 });
  });

  it('leaves a point without readings unmeasured', () => {
    expect(lagOverTime([samples([5, 40], [12, 50])], 3)).toEqual([
      { share: 1 / 3, lag: null },
      { share: 2 / 3, lag: { median: 40, min: 40, max: 40, runs: [40] } },
      { share: 1, lag: { median: 50, min: 50, max: 50, runs: [50] } },
    ]);
    expect(lagOverTime([[]], 1)).toEqual([{ share: 1, lag: null }]);
  });
});

describe('mergingShare', () => {
  const merging = (...docs: (number | null | undefined)[]): LagSample[] => docs.map((esMergingDocs, i) => ({ atSeconds: i, lag: 0, esMergingDocs }));

  it('is the share of the readings taken during a merge, per run', () => {
    expect(mergingShare([merging(0, 285_000, 612_000, 0), merging(0, 0, 0, 0)])).toEqual({ median: 0.25, min: 0, max: 0.5, runs: [0.5, 0] });
  });

  it('leaves out readings without a merge figure, and runs with none', () => {
    expect(mergingShare([merging(null, 10, 0, undefined), merging(null)])).toEqual({ median: 0.5, min: 0.5, max: 0.5, runs: [0.5] });
    expect(mergingShare([samples([1, 5])])).toBeNull();
  });
});
