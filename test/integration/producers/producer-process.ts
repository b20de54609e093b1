import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** One pino line of a producer process (the fields tests look at; the rest passes). */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/**
 * A live producer as pm2 runs it, `node --import tsx cli/producer.ts FEED`, in a child process;
 * its pino lines are parsed and kept so tests can check what it logged.
 */
export class ProducerProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<unknown>;

  constructor(feed: 'blocks' | 'mempool' | 'prices', env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'cli/producer.ts', feed], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = once(this.child, 'exit');
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.stderr.push(line);
      }
    });
    createInterface({ input: this.child.stderr as NodeJS.ReadableStream }).on('line', (line) => this.stderr.push(line));
  }

  /** Whether the process is still running. */
  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Log lines with message `msg`. */
  logged(msg: string): LogLine[] {
    return this.logs.filter((l) => l.msg === msg);
  }

  /** Kills the process with `signal` and waits until it has exited. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (!this.alive()) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** Stops the process as pm2 does: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (!this.alive()) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Exit signal (e.g. `SIGKILL`) or null. */
  get signalCode(): NodeJS.Signals | null {
    return this.child.signalCode;
  }
}
