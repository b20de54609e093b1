import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../pipeline/runtime/index.js';
import type { LoadStats } from '../producers/load-generator.js';
import { SAMPLE_DATA_DIR } from './transaction-samples.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LOADGEN = join(ROOT, 'cli', 'loadgen.ts');

/** `npm run loadgen` exited without its stats line. */
export class LoadgenFailedError extends PipelineError {
  constructor(
    readonly code: number | null,
    readonly logFile: string,
  ) {
    super(`loadgen exited with code ${code} without its stats; see ${logFile}`);
  }
}

/**
 * `npm run loadgen` (cli/loadgen.ts) as a child process publishing real-shaped transactions
 * into the namespace of `env` at `rate` per second for `seconds`; `pid` is the producer itself
 * (no npm or shell in between), so its memory can be sampled.
 */
export class LoadgenProcess {
  readonly pid: number;
  /** Resolves with the load generator's stats once it has published everything. */
  readonly done: Promise<LoadStats>;
  private readonly child: ChildProcess;

  constructor(options: { env: NodeJS.ProcessEnv; rate: number; seconds: number; logFile: string; seed: number }) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    const log = createWriteStream(options.logFile, { flags: 'a' });
    const args = ['--rate', String(options.rate), '--duration', String(options.seconds), '--data', SAMPLE_DATA_DIR, '--seed', String(options.seed)];
    this.child = spawn(process.execPath, ['--import', 'tsx', LOADGEN, ...args], { cwd: ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = this.child.pid ?? -1;
    let stdout = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    this.child.stderr?.pipe(log);
    this.done = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => {
        log.end();
        const line = stdout.trim().split('\n').at(-1) ?? '';
        try {
          if (code === 0) return resolve(JSON.parse(line) as LoadStats);
        } catch {
          // not the stats line: reported below
        }
        reject(new LoadgenFailedError(code, options.logFile));
      });
    });
  }

  /** Stops it early (SIGTERM). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }
}

/** Loadgen's rate and duration that publish exactly `records` as fast as it can (its pacer never waits). */
export function backlogLoad(records: number): { rate: number; seconds: number } {
  const rate = 1_000_000;
  return { rate, seconds: records / rate };
}
