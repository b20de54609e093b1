import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackContext } from './context.js';
import { HOST, type NodeSpec } from './layout.js';
import { which } from './prerequisites.js';
import { isRoot } from './service-user.js';
import { StackError } from './stack-error.js';

/** Files of the project's Redis under `.run/`. */
export interface RedisFiles {
  dir: string;
  pidFile: string;
  logFile: string;
}

/** Where the project's Redis keeps its AOF, pid and log. */
export function redisFiles(ctx: StackContext): RedisFiles {
  return { dir: ctx.paths.redisDir, pidFile: join(ctx.paths.run, 'redis.pid'), logFile: join(ctx.paths.logs, 'redis.log') };
}

/** Finds redis-server; as root installs Debian's package when it is missing. */
export function ensureRedisInstalled(ctx: StackContext): string {
  const found = which('redis-server');
  if (found) return found;
  if (!isRoot()) {
    throw new StackError('redis-server not found on PATH', { service: 'redis', hint: 'sudo apt-get install -y redis-server' });
  }
  ctx.log.info({}, 'installing redis-server with apt-get');
  execFileSync('sh', ['-c', 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server'], { stdio: 'inherit' });
  const installed = which('redis-server');
  if (!installed) throw new StackError('redis-server missing after apt-get install', { service: 'redis' });
  return installed;
}

/**
 * Starts the project's own Redis (daemonized, AOF on, noeviction as BullMQ requires); never the
 * system Redis on 6379.
 */
export function startRedis(ctx: StackContext, node: NodeSpec): void {
  const bin = ensureRedisInstalled(ctx);
  const files = redisFiles(ctx);
  mkdirSync(files.dir, { recursive: true });
  mkdirSync(ctx.paths.logs, { recursive: true });
  execFileSync(
    bin,
    [
      '--bind',
      HOST,
      '--port',
      String(node.port),
      '--daemonize',
      'yes',
      '--pidfile',
      files.pidFile,
      '--logfile',
      files.logFile,
      '--dir',
      files.dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
    ],
    { stdio: 'inherit' },
  );
  ctx.log.info({ node: node.id, port: node.port }, 'redis started');
}
