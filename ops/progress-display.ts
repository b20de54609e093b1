/** One progress reading of a long operation. */
export interface ProgressReading {
  done: number;
  total: number;
  /** Extra text after the numbers (e.g. `dirty aggregates 12`). */
  note?: string;
}

/** Options of `ProgressDisplay`. */
export interface ProgressDisplayOptions {
  /** What is counted, e.g. `records`. */
  unit: string;
  /** Seconds between plain lines when the stream is not a terminal (default 10). */
  lineIntervalSec?: number;
  /** Width of the bar in characters (default 30). */
  barWidth?: number;
  /** Monotonic clock in ms (default `performance.now`). */
  nowMs?: () => number;
}

/**
 * Shows progress on `stream`: a bar redrawn in place (done / total, rate over the last 10 s, ETA)
 * when it is a terminal, otherwise a plain line every `lineIntervalSec`. The rate is measured
 * from the readings, so it is the rate of the work the readings count.
 */
export class ProgressDisplay {
  private readonly samples: { t: number; done: number }[] = [];
  private lastLineAt = -Infinity;
  private drawn = false;
  private readonly now: () => number;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly options: ProgressDisplayOptions,
  ) {
    this.now = options.nowMs ?? (() => performance.now());
  }

  /** Records a reading and shows it (a plain line only when one is due). */
  update(reading: ProgressReading): void {
    const t = this.now();
    this.samples.push({ t, done: reading.done });
    while (this.samples.length > 2 && t - (this.samples[0] as { t: number }).t > 10_000) this.samples.shift();
    const text = this.describe(reading);
    if (this.stream.isTTY === true) {
      const bar = this.bar(reading);
      // A pseudo-terminal without a size reports 0 columns.
      const line = `${bar} ${text}`.slice(0, Math.max(20, (this.stream.columns || 120) - 1));
      this.stream.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (t - this.lastLineAt >= (this.options.lineIntervalSec ?? 10) * 1000) {
      this.stream.write(`${text}\n`);
      this.lastLineAt = t;
    }
  }

  /** Ends the bar's line so that later output starts on a fresh one. */
  end(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  /** Per second over the last 10 s of readings (0 until two readings). */
  rate(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined || last.t <= first.t) return 0;
    return ((last.done - first.done) * 1000) / (last.t - first.t);
  }

  private describe(reading: ProgressReading): string {
    const { done, total } = reading;
    const pct = total > 0 ? ((100 * done) / total).toFixed(1) : '100.0';
    const rate = this.rate();
    const eta = rate > 0 && total > done ? ` eta ${formatDuration((total - done) / rate)}` : '';
    const note = reading.note === undefined ? '' : `  ${reading.note}`;
    return `${pct}% ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} ${this.options.unit}  ${Math.round(rate).toLocaleString('en-US')} ${this.options.unit}/s${eta}${note}`;
  }

  private bar(reading: ProgressReading): string {
    const width = this.options.barWidth ?? 30;
    const filled = reading.total > 0 ? Math.min(width, Math.floor((width * reading.done) / reading.total)) : width;
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  }
}

/** `h:mm:ss` or `m:ss`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
