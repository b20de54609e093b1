import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorker, WORKER_BUNDLE } from './worker-bundle.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Node's arguments for a topology worker, wherever it is started (`spawnTopologyWorker`, and
 * pm2's `interpreter_args` in ecosystem.config.cjs, which a unit test keeps equal). The worker
 * runs as bundled JavaScript (`bundleWorker`), not through `tsx`. Measured on 200,000-transaction
 * drains:
 * - a young generation of 8 MiB semi-spaces instead of Node's 16: a worker's peak RSS 294-295 ->
 *   268 MB, its CPU +2% (more, smaller scavenges). Measured again with the growing factor below
 *   (four interleaved runs each of 8, 16 and 32 MiB): drain medians 9,764, 9,666 and 10,339 tx/s
 *   (ranges overlapping), rebuild 9,519, 9,189 and 9,071 records/s, peak RSS 198, 217 and 245 MB:
 *   32 MiB saves about 6% of a worker's CPU on a drain, is no faster on a rebuild, and costs 47
 *   MB a worker, which an Elasticsearch outage's peak (221-403 MB with 8) cannot spare;
 * - the old generation collected once it reaches twice its live size (`--heap-growing-percent`),
 *   where V8 would let it grow up to four times on a machine with this much memory: peak RSS
 *   276-281 -> 191-198 MB on a drain and 255-265 -> 183-206 MB on a rebuild, with no loss of
 *   rate or CPU in three interleaved pairs. A heap cap (`--max-old-space-size=256`) bounded it
 *   too, but made the rebuild about 20% slower (before this growing factor, when the heap lived
 *   near the cap);
 * - with that factor, the old generation capped at 176 MB (`--max-old-space-size`): twice the
 *   live size is a late bound when a full collection runs mid-replay (an Elasticsearch outage
 *   peaked at 221-403 MB uncapped; 189-251 MB capped). The largest live size seen after a full
 *   collection is 96 MB (88 with backpressure, about 60 in a 120 s outage, 40-55 on a drain), so
 *   the cap leaves 1.8 times that. The live size is bounded by `maxSpoutPending`, the index bolt's
 *   in-flight documents and the in-process queues' backpressure (`maxQueuedTuples`: without it,
 *   an outage with a backlog queued 160,000 documents and ran a worker out of this heap); a
 *   worker that still ran out would be restarted and replay from its committed offsets.
 *   Interleaved 500,000-record drains and rebuilds, capped against uncapped: no cost beyond the
 *   noise (OPERATIONS.md, "Fault injection").
 */
export const WORKER_NODE_ARGS = ['--max-semi-space-size=8', '--heap-growing-percent=100', '--max-old-space-size=176'] as const;

/**
 * Environment a topology worker starts with unless its caller sets these variables
 * (`spawnTopologyWorker`, and the topology-worker app of ecosystem.config.cjs, which a unit test
 * keeps equal).
 * glibc's malloc keeps at most 2 arenas instead of 8 per core: the threads of Node (libuv's pool,
 * V8's helpers) otherwise each fragment an arena of their own. Measured on six interleaved pairs
 * of 200,000-transaction drains, a worker's peak RSS median 276 -> 260 MB (ranges 260-278 and
 * 246-274), its CPU per transaction unchanged beyond the noise.
 */
export const WORKER_ENV = { MALLOC_ARENA_MAX: '2' } as const;

/** Options of `WorkerProcesses`. */
export interface WorkerProcessesOptions {
  /** Environment of every worker (NAMESPACE, endpoints, POOLS_FILE, ...). */
  env: NodeJS.ProcessEnv;
  count: number;
  /** Directory of the workers' logs (`worker-<i>.log`, appended). */
  logDir: string;
  /** Restarts of crashed workers allowed in all (default 3), as pm2 would restart them. */
  maxRestarts?: number;
  /** Called when a worker exits on its own (before it is restarted). */
  onExit?: (exit: { index: number; pid: number | undefined; code: number | null; signal: NodeJS.Signals | null; restarting: boolean }) => void;
}

/**
 * Topology workers (`cli/worker.ts`, bundled by `bundleWorker`) as child processes of an operator
 * command: started with the given environment, restarted when one crashes (a few times), stopped
 * with SIGTERM (each drains and commits) and SIGKILL after 30 s.
 */
export class WorkerProcesses {
  private readonly children: (ChildProcess | undefined)[] = [];
  private restarts = 0;
  private stopping = false;
  private failed: Error | null = null;

  constructor(private readonly options: WorkerProcessesOptions) {}

  /** Starts `count` workers. */
  start(): void {
    mkdirSync(this.options.logDir, { recursive: true });
    bundleWorker();
    for (let i = 0; i < this.options.count; i += 1) this.spawnWorker(i);
  }

  /** Pids of the running workers. */
  pids(): number[] {
    return this.children.filter((c): c is ChildProcess => c !== undefined && c.exitCode === null && c.signalCode === null).map((c) => c.pid ?? -1);
  }

  /** Set once a worker crashed more often than allowed. */
  failure(): Error | null {
    return this.failed;
  }

  /** Stops every worker (drain, commit, exit). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.children.map((c) => (c === undefined ? undefined : stopChild(c))));
  }

  private spawnWorker(index: number): void {
    const child = spawnTopologyWorker(this.options.env, join(this.options.logDir, `worker-${index}.log`));
    this.children[index] = child;
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      const restarting = this.restarts < (this.options.maxRestarts ?? 3);
      this.options.onExit?.({ index, pid: child.pid, code, signal, restarting });
      if (!restarting) {
        this.failed = new Error(
          `topology worker ${index} exited (code ${code}, signal ${signal}) after ${this.restarts} restarts; see ${join(this.options.logDir, `worker-${index}.log`)}`,
        );
        return;
      }
      this.restarts += 1;
      this.spawnWorker(index);
    });
  }
}

/**
 * Starts one topology worker from the bundle (`bundleWorker` must have run) with
 * `WORKER_NODE_ARGS`, and `WORKER_ENV` under `env`; its output is appended to `logFile`. Operator
 * commands (`WorkerProcesses`), the bench and the e2e harness all start workers through it.
 */
export function spawnTopologyWorker(env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...WORKER_NODE_ARGS, WORKER_BUNDLE], {
    cwd: ROOT,
    env: { ...WORKER_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return child;
}

/** Stops a child process: SIGTERM (a worker drains and commits), SIGKILL after 30 s; resolves once it exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
