import { type Figure, figureOf } from './figure.js';

/** One reading of the raw topics' Kafka lag during a fixed-rate run. */
export interface LagSample {
  /** Seconds since the load started. */
  atSeconds: number;
  /** Records of the raw topics not yet committed. */
  lag: number;
}

/** The lag at one point of a fixed-rate load, over repeated runs. */
export interface LagPoint {
  atSeconds: number;
  lag: Figure | null;
}

/** The last reading at or before `atSeconds` (null before the first one). */
export function lagAt(samples: readonly LagSample[], atSeconds: number): number | null {
  let lag: number | null = null;
  for (const s of samples) {
    if (s.atSeconds > atSeconds) break;
    lag = s.lag;
  }
  return lag;
}

/**
 * The lag over time of repeated runs of a `seconds`-long load: `points` evenly spaced times after
 * the start, the last one the end of the load, each the figure of every run's last reading at or
 * before it. The samples of a run are in time order.
 */
export function lagOverTime(runs: readonly (readonly LagSample[])[], seconds: number, points = 6): LagPoint[] {
  return Array.from({ length: points }, (_, i) => {
    const atSeconds = Math.round((seconds * (i + 1)) / points);
    return { atSeconds, lag: figureOf(runs.map((samples) => lagAt(samples, atSeconds))) };
  });
}
