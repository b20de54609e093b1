import { type Figure, figureOf } from './figure.js';

/** One reading of the raw topics' Kafka lag during a fixed-rate run. */
export interface LagSample {
  /** Seconds since the load generator started. */
  atSeconds: number;
  /** Records of the raw topics not yet committed. */
  lag: number;
  /** Documents Elasticsearch was merging at the reading (`mergingDocs`); null when it could not be read. */
  esMergingDocs?: number | null;
}

/** The lag at one share of a fixed-rate load (1: its end), over repeated runs. */
export interface LagPoint {
  /** Share of each run's load, from the load generator's start to its last reading. */
  share: number;
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
 * The lag over time of repeated runs: at `points` evenly spaced shares of each run's own load
 * (a load generator that cannot keep its rate runs longer than asked), the last one its end, each
 * the figure of every run's last reading at or before that time. The samples of a run are in time
 * order; its last one ends its load.
 */
export function lagOverTime(runs: readonly (readonly LagSample[])[], points = 6): LagPoint[] {
  return Array.from({ length: points }, (_, i) => {
    const share = (i + 1) / points;
    return { share, lag: figureOf(runs.map((samples) => lagAt(samples, (samples.at(-1)?.atSeconds ?? 0) * share))) };
  });
}

/** How long each run's load lasted (its last reading), as a figure over the runs. */
export function loadSeconds(runs: readonly (readonly LagSample[])[]): Figure | null {
  return figureOf(runs.map((samples) => samples.at(-1)?.atSeconds ?? null));
}

/**
 * The share of each run's readings taken while Elasticsearch was merging segments, as a figure over
 * the runs (readings without a merge figure are left out; null when no run has one).
 */
export function mergingShare(runs: readonly (readonly LagSample[])[]): Figure | null {
  return figureOf(
    runs.map((samples) => {
      const read = samples.filter((s) => typeof s.esMergingDocs === 'number');
      return read.length === 0 ? null : read.filter((s) => (s.esMergingDocs as number) > 0).length / read.length;
    }),
  );
}
