import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { defaultStackContext } from '../stack/default-context.js';
import { esNodes, kafkaNodes, type NodeSpec, redisNode } from '../stack/layout.js';
import { findNodeProcess } from '../stack/node-process.js';

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`; 100 on Linux when it cannot tell). */
const CLOCK_TICKS = (() => {
  try {
    const ticks = Number.parseInt(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(), 10);
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system) a process has used since it started, in seconds, from /proc/<pid>/stat
 * (null once it is gone, or off Linux). Fields 14 and 15 count after the command name, which may
 * hold spaces and parentheses, so they are read after its closing parenthesis.
 */
export function cpuSeconds(pid: number): number | null {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** CPU time (user + system) in seconds from a /proc `stat` file, of a process or of one of its threads (`/proc/<pid>/task/<tid>/stat`). */
export function statCpuSeconds(statFile: string): number | null {
  try {
    const stat = readFileSync(statFile, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}

/**
 * CPU used by labelled processes between `start()` and `stop()`, in seconds per label. Each pid's
 * time is read at start and every `intervalMs` after, so a process that starts meanwhile counts
 * from zero and one that exits keeps what its last reading saw.
 */
export class CpuMeter {
  /** Per pid: its label, its time at start (0 for a process that started later) and its last reading. */
  private readonly readings = new Map<number, { label: string; first: number; last: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pidsByLabel: () => Record<string, readonly number[]>,
    private readonly intervalMs = 1_000,
  ) {}

  /** Takes the first reading of every process and starts sampling. */
  start(): void {
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), this.intervalMs);
    this.timer.unref();
  }

  /** Takes a last reading, stops sampling and returns the CPU seconds of each label. */
  stop(): Record<string, number> {
    this.sample(false);
    clearInterval(this.timer);
    const used: Record<string, number> = {};
    for (const r of this.readings.values()) used[r.label] = (used[r.label] ?? 0) + (r.last - r.first);
    // Readings are whole clock ticks: round away the sums' floating-point dust.
    for (const label of Object.keys(used)) used[label] = Math.round((used[label] as number) * CLOCK_TICKS) / CLOCK_TICKS;
    return used;
  }

  private sample(initial: boolean): void {
    for (const [label, pids] of Object.entries(this.pidsByLabel())) {
      for (const pid of pids) {
        const seconds = cpuSeconds(pid);
        if (seconds === null) continue;
        const known = this.readings.get(pid);
        if (known) known.last = seconds;
        else this.readings.set(pid, { label, first: initial ? seconds : 0, last: seconds });
      }
    }
  }
}

/** The pids of the local stack's processes of this checkout, by kind: Elasticsearch, Kafka, Redis. */
export function stackPids(): Record<'elasticsearch' | 'kafka' | 'redis', number[]> {
  const ctx = defaultStackContext();
  const pidsOf = (nodes: readonly NodeSpec[]) => nodes.flatMap((node) => findNodeProcess(ctx, node).pid ?? []);
  return { elasticsearch: pidsOf(esNodes()), kafka: pidsOf(kafkaNodes()), redis: pidsOf([redisNode()]) };
}
