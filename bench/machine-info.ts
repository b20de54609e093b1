import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

/** Cores, memory, CPU model and load average of this machine, and the checked-out commit. */
export function machineSnapshot(): { cores: number; cpuModel: string; memoryGb: number; loadAverage: number[]; commit: string } {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim().length > 0) commit += '+changes';
  } catch {
    // not a git checkout: the commit stays unknown
  }
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    commit,
  };
}

/**
 * Whether anything but documentation (`*.md`) differs between two commits of `machineSnapshot`
 * (a `+changes` suffix, or a commit git cannot compare, counts as code).
 */
export function codeChangedBetween(before: string, after: string): boolean {
  if (before.endsWith('+changes') || after.endsWith('+changes')) return true;
  try {
    const files = execFileSync('git', ['diff', '--name-only', before, after], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter((f) => f.length > 0);
    return files.some((f) => !f.endsWith('.md'));
  } catch {
    return true;
  }
}
