import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { waitUntil } from './wait-until.js';

/** Reads a pid file; undefined when it is missing or does not hold a number. */
export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process with this pid exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to another user (the Elasticsearch user).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The pid recorded in `pidFile` if that process is alive; removes the file when it is stale. */
export function livePid(pidFile: string): number | undefined {
  const pid = readPid(pidFile);
  if (pid === undefined) return undefined;
  if (isAlive(pid)) return pid;
  rmSync(pidFile, { force: true });
  return undefined;
}

/** Resident memory of a process in bytes, from /proc. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The pid of the process listening on a local TCP port, when `ss` can tell. */
export function listenerPid(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    const match = /pid=(\d+)/.exec(out);
    return match?.[1] ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Options of a detached start. */
export interface DetachedStart {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Stdout and stderr of the process are appended here. */
  logFile: string;
  /** Written with the child's pid (omit when the process writes its own). */
  pidFile?: string;
}

/** Starts a process that outlives this one; returns its pid. */
export function startDetached(options: DetachedStart): number {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) throw new Error(`could not start ${options.command}`);
    child.unref();
    if (options.pidFile) writeFileSync(options.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** Options of `stopProcess`. */
export interface StopOptions {
  /** First signal (default SIGTERM). SIGKILL skips the grace period. */
  signal?: NodeJS.Signals;
  /** How long to wait after the first signal before SIGKILL (default 30 s). */
  timeoutMs?: number;
}

/** Signals a process and waits until it is gone, escalating to SIGKILL after the timeout. */
export async function stopProcess(pid: number, options: StopOptions = {}): Promise<void> {
  const signal = options.signal ?? 'SIGTERM';
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const gone = await waitUntil(() => !isAlive(pid), { timeoutMs, intervalMs: 100 }).then(
    () => true,
    () => false,
  );
  if (gone) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitUntil(() => !isAlive(pid), { timeoutMs: 10_000, intervalMs: 100 });
}
