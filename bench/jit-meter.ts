import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds, stackPids, statCpuSeconds } from './cpu-meter.js';

/** HotSpot names its JIT compiler threads `C1 CompilerThread<n>` and `C2 CompilerThread<n>` (cut to 15 characters in /proc). */
const COMPILER_THREAD = /^C[12] CompilerThre/;

/** The JVMs of the stack whose compilers are measured. */
const JVM_KINDS = ['elasticsearch', 'kafka'] as const;
export type JvmKind = (typeof JVM_KINDS)[number];

/** The share of each kind of JVM's CPU that its JIT compilers took; null when none of its processes could be read. */
export type CompilerShare = Record<JvmKind, number | null>;

/**
 * CPU seconds the JIT compiler threads of JVM `pid` have used since it started, from
 * /proc/<pid>/task/<tid>/{comm,stat}; 0 for a process without such threads, null once it is gone
 * (or off Linux).
 */
export function compilerSeconds(pid: number): number | null {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let seconds = 0;
  for (const tid of threads) {
    try {
      if (!COMPILER_THREAD.test(readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8'))) continue;
    } catch {
      continue; // the thread ended
    }
    seconds += statCpuSeconds(`/proc/${pid}/task/${tid}/stat`) ?? 0;
  }
  return seconds;
}

/** One reading of a JVM: its CPU and its compilers' CPU, in seconds since it started. */
export interface JvmReading {
  cpu: number;
  compilers: number;
}

/**
 * The compilers' share of the CPU between two readings of the same processes (by pid): a process
 * missing from either reading (restarted, or gone) is left out; null when nothing is left or no
 * CPU was used.
 */
export function compilerShareBetween(before: ReadonlyMap<number, JvmReading>, after: ReadonlyMap<number, JvmReading>): number | null {
  let cpu = 0;
  let compilers = 0;
  for (const [pid, end] of after) {
    const start = before.get(pid);
    if (start === undefined) continue;
    cpu += end.cpu - start.cpu;
    compilers += end.compilers - start.compilers;
  }
  return cpu > 0 ? compilers / cpu : null;
}

/**
 * How much of the stack's JVM CPU went to JIT compilation between `start()` and `stop()`. A JVM
 * keeps compiling for minutes after it starts, more slowly still on a machine whose cores the
 * load keeps busy: that is the cold stack's extra cost, and the share shows how warm the stack
 * was while it was measured.
 */
export class JitMeter {
  private before = new Map<JvmKind, Map<number, JvmReading>>();

  start(): void {
    this.before = JitMeter.read();
  }

  stop(): CompilerShare {
    const after = JitMeter.read();
    const share = (kind: JvmKind) => compilerShareBetween(this.before.get(kind) ?? new Map(), after.get(kind) ?? new Map());
    return { elasticsearch: share('elasticsearch'), kafka: share('kafka') };
  }

  private static read(): Map<JvmKind, Map<number, JvmReading>> {
    const pids = stackPids();
    const readings = new Map<JvmKind, Map<number, JvmReading>>();
    for (const kind of JVM_KINDS) {
      const byPid = new Map<number, JvmReading>();
      for (const pid of pids[kind]) {
        const cpu = cpuSeconds(pid);
        const compilers = compilerSeconds(pid);
        if (cpu !== null && compilers !== null) byPid.set(pid, { cpu, compilers });
      }
      readings.set(kind, byPid);
    }
    return readings;
  }
}
