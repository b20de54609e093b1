/** Quantiles of a latency window, in ms (null: nothing observed in the window). */
export interface WindowQuantiles {
  p50: number | null;
  p99: number | null;
}

interface Bucket {
  /** Start of the bucket's slice of time. */
  at: number;
  /** Observations in the slice. */
  count: number;
  /** A uniform sample of them (reservoir sampling), at most `reservoir` values. */
  samples: number[];
}

/** Options of a `LatencyWindow`. */
export interface LatencyWindowOptions {
  /** Length of the window (default 60 000 ms, as Storm UI's "last 10 min" is to its windows). */
  windowMs?: number;
  /** Slices the window rotates through (default 6). */
  buckets?: number;
  /** Values kept per slice (default 256). */
  reservoir?: number;
  now?: () => number;
  random?: () => number;
}

/**
 * Latencies over a sliding window, cheap to record at every tuple: each slice of the window keeps
 * its count and a uniform reservoir sample, and the quantiles are computed only when read (each
 * sample weighted by its slice's count). A sorted summary per observation (prom-client's
 * t-digest) cost a fifth of a worker's CPU at 2,000 tuples/s; this is a counter increment and, once
 * a slice is full, one random draw.
 */
export class LatencyWindow {
  private readonly windowMs: number;
  private readonly sliceMs: number;
  private readonly reservoir: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly slices: Bucket[] = [];
  /** Observations since the window was made (Prometheus' `_count`). */
  total = 0;

  constructor(options: LatencyWindowOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.sliceMs = this.windowMs / (options.buckets ?? 6);
    this.reservoir = options.reservoir ?? 256;
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
  }

  observe(ms: number): void {
    this.total += 1;
    const now = this.now();
    let slice = this.slices[this.slices.length - 1];
    if (!slice || now - slice.at >= this.sliceMs) {
      slice = { at: now, count: 0, samples: [] };
      this.slices.push(slice);
      this.expire(now);
    }
    slice.count += 1;
    if (slice.samples.length < this.reservoir) slice.samples.push(ms);
    else {
      const j = Math.floor(this.random() * slice.count);
      if (j < this.reservoir) slice.samples[j] = ms;
    }
  }

  /** p50 and p99 of the observations of the window. */
  quantiles(): WindowQuantiles {
    this.expire(this.now());
    const weighted: { value: number; weight: number }[] = [];
    let totalWeight = 0;
    for (const slice of this.slices) {
      const weight = slice.count / slice.samples.length;
      for (const value of slice.samples) weighted.push({ value, weight });
      totalWeight += slice.count;
    }
    if (weighted.length === 0) return { p50: null, p99: null };
    weighted.sort((a, b) => a.value - b.value);
    const at = (q: number): number => {
      const target = q * totalWeight;
      let cumulative = 0;
      for (const w of weighted) {
        cumulative += w.weight;
        if (cumulative >= target) return w.value;
      }
      return (weighted[weighted.length - 1] as { value: number }).value;
    };
    return { p50: at(0.5), p99: at(0.99) };
  }

  private expire(now: number): void {
    while (this.slices.length > 0 && (this.slices[0] as Bucket).at <= now - this.windowMs) this.slices.shift();
  }
}
