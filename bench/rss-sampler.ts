import { readFileSync } from 'node:fs';

/** Resident memory of a process in MB, from /proc (null once it is gone, or off Linux). */
export function rssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Samples the resident memory of labelled processes every `intervalMs` and keeps each label's
 * peak (the largest RSS any of its processes had at a sample).
 */
export class RssSampler {
  private readonly peaks = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pidsByLabel: () => Record<string, readonly number[]>,
    intervalMs = 1_000,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Takes one sample now. */
  sample(): void {
    for (const [label, pids] of Object.entries(this.pidsByLabel())) {
      for (const pid of pids) {
        const mb = rssMb(pid);
        if (mb !== null) this.peaks.set(label, Math.max(this.peaks.get(label) ?? 0, mb));
      }
    }
  }

  /** Stops sampling (after a last sample) and returns the peak of each label, in MB. */
  stop(): Record<string, number> {
    this.sample();
    clearInterval(this.timer);
    return Object.fromEntries(this.peaks);
  }
}
