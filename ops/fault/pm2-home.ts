import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { Pm2CommandError } from '../demo/pipeline-apps.js';

const require = createRequire(import.meta.url);

/** One pm2 process with what a fault scenario watches: its pid, restarts and resident memory. */
export interface Pm2App {
  name: string;
  pmId: number;
  /** 0 while pm2 restarts it. */
  pid: number;
  status: string;
  restarts: number;
  memoryBytes: number;
}

/**
 * Runs the project's pm2 CLI under `env` (its `PM2_HOME` selects the daemon) and returns its
 * stdout; output is captured, never printed (the fault command's stdout is its report).
 */
export function pm2(args: readonly string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(process.execPath, [require.resolve('pm2/bin/pm2'), ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Pm2CommandError(args, result.status, result.stderr ?? '');
  return result.stdout ?? '';
}

/** The apps of the pm2 daemon of `env.PM2_HOME` (`pm2 jlist`). */
export function pm2Apps(env: NodeJS.ProcessEnv): Pm2App[] {
  const line =
    pm2(['jlist'], env)
      .split('\n')
      .filter((l) => l.startsWith('['))
      .at(-1) ?? '[]';
  const list = JSON.parse(line) as {
    name: string;
    pm_id: number;
    pid?: number;
    monit?: { memory?: number };
    pm2_env?: { status?: string; restart_time?: number };
  }[];
  return list.map((p) => ({
    name: p.name,
    pmId: p.pm_id,
    pid: p.pid ?? 0,
    status: p.pm2_env?.status ?? 'unknown',
    restarts: p.pm2_env?.restart_time ?? 0,
    memoryBytes: p.monit?.memory ?? 0,
  }));
}
