import type { CpuUse } from './bench-results.js';
import { figureOf } from './figure.js';

/** What `cpuUse` needs of one drained backlog. */
export interface DrainCpu {
  records: number;
  /** Records per second of the drain. */
  rate: number;
  /** CPU seconds each kind of process used during the drain. */
  cpuSeconds: Readonly<Record<string, number>>;
}

/**
 * CPU by kind of process over repeated drains, busiest first (by median CPU seconds), then `all`
 * (their sum): CPU seconds, microseconds per record and cores kept busy, each a figure over the
 * runs. A kind missing from a run counts as no CPU in it.
 */
export function cpuUse(runs: readonly DrainCpu[]): CpuUse[] {
  const kinds = [...new Set(runs.flatMap((r) => Object.keys(r.cpuSeconds)))];
  const used = (run: DrainCpu, kind: string) => (kind === 'all' ? Object.values(run.cpuSeconds).reduce((a, b) => a + b, 0) : (run.cpuSeconds[kind] ?? 0));
  const row = (kind: string): CpuUse => ({
    process: kind,
    cpuSeconds: figureOf(runs.map((r) => used(r, kind))),
    microsPerRecord: figureOf(runs.map((r) => (used(r, kind) * 1e6) / r.records)),
    cores: figureOf(runs.map((r) => (used(r, kind) * r.rate) / r.records)),
  });
  const rows = kinds.map(row).sort((a, b) => (b.cpuSeconds?.median ?? 0) - (a.cpuSeconds?.median ?? 0));
  return rows.length === 0 ? [] : [...rows, row('all')];
}
