import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import { PipelineError } from '../../pipeline/runtime/index.js';
import { bundleWorker } from '../worker-bundle.js';

const require = createRequire(import.meta.url);

/** The pm2 configuration of the pipeline (live apps, plus `feed-server` when `DEMO_DATA` is set). */
export const ECOSYSTEM_FILE = 'ecosystem.config.cjs';

/** Every pm2 app that `ECOSYSTEM_FILE` may define, in the live or the demo variant. */
export const PIPELINE_APPS: readonly string[] = ['feed-server', 'producer-blocks', 'producer-mempool', 'producer-prices', 'topology-worker', 'ui'];

/** A pm2 command that failed. */
export class Pm2CommandError extends PipelineError {
  constructor(
    readonly args: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`pm2 ${args.join(' ')} failed`);
  }
}

/** One process pm2 manages, as `pm2 jlist` reports it. */
export interface Pm2Process {
  name: string;
  pmId: number;
  status: string;
  restarts: number;
}

/** Runs the project's pm2 CLI with `env` (its PM2_HOME, default `~/.pm2`); returns its stdout. */
function pm2(args: readonly string[], env: NodeJS.ProcessEnv, echo: boolean): string {
  const result = spawnSync(process.execPath, [require.resolve('pm2/bin/pm2'), ...args], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', echo ? 'inherit' : 'pipe', 'pipe'],
  });
  if (result.status !== 0) throw new Pm2CommandError(args, result.status, result.stderr ?? '');
  return result.stdout ?? '';
}

/** The processes pm2 manages (a first call starts the pm2 daemon, which prints a banner first). */
export function pm2Processes(env: NodeJS.ProcessEnv = process.env): Pm2Process[] {
  const out = pm2(['jlist'], env, false);
  const line =
    out
      .split('\n')
      .filter((l) => l.startsWith('['))
      .at(-1) ?? '[]';
  const list = JSON.parse(line) as { name: string; pm_id: number; pm2_env?: { status?: string; restart_time?: number } }[];
  return list.map((p) => ({ name: p.name, pmId: p.pm_id, status: p.pm2_env?.status ?? 'unknown', restarts: p.pm2_env?.restart_time ?? 0 }));
}

/**
 * Deletes the pipeline's apps that pm2 runs (any variant); returns their names. Commands delete
 * before they start so that every app gets exactly the new environment: pm2 merges a restarted
 * app's new environment into its old one, and a demo feed URL must never linger in a live
 * producer (or the reverse).
 */
export function deletePipelineApps(env: NodeJS.ProcessEnv, log: Logger): string[] {
  const running = [...new Set(pm2Processes(env).map((p) => p.name))].filter((name) => PIPELINE_APPS.includes(name));
  for (const name of running) pm2(['delete', name], env, false);
  if (running.length > 0) log.info({ apps: running }, 'pm2 apps deleted');
  return running;
}

/** Starts the apps of `ECOSYSTEM_FILE` with `env` (DEMO_DATA set: the demo variant). */
export function startPipelineApps(env: NodeJS.ProcessEnv, log: Logger): void {
  // The topology workers run the bundle of the checked-out code (ecosystem.config.cjs).
  bundleWorker();
  pm2(['start', ECOSYSTEM_FILE], env, false);
  log.info(
    {
      apps: pm2Processes(env)
        .filter((p) => PIPELINE_APPS.includes(p.name))
        .map((p) => `${p.name}:${p.pmId}`),
    },
    'pm2 apps started',
  );
}

/** Prints `pm2 ls` to stdout. */
export function printPm2List(env: NodeJS.ProcessEnv = process.env): void {
  pm2(['ls'], env, true);
}
