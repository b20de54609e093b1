/** One measured quantity over repeated runs: the median, the extremes and every run's value. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

/**
 * Summarises repeated runs of one measurement; values that were not measured (null) are left
 * out, and null comes back when no run measured anything. The median of an even count is the
 * mean of the middle two.
 */
export function figureOf(values: readonly (number | null)[]): Figure | null {
  const runs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (runs.length === 0) return null;
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, runs };
}

/** Runs `measure` `runs` times, one after the other (runs on one busy machine must not overlap). */
export async function repeatRuns<T>(runs: number, measure: (run: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let run = 0; run < runs; run += 1) out.push(await measure(run));
  return out;
}

/** The figure of one field over repeated results. */
export function figureOfField<T>(results: readonly T[], field: (result: T) => number | null): Figure | null {
  return figureOf(results.map(field));
}
