import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from './wait-for.js';

/** A throwaway redis-server of one test file. */
export interface PrivateRedis {
  redis: Redis;
  stop(): Promise<void>;
}

/**
 * Starts a private redis-server (Debian's, as the stack uses) on a unix socket in a temporary
 * directory: no TCP port, no persistence, gone with `stop()`. For unit tests that need the real
 * Lua scripts of the state without the local stack.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'btc-unit-redis-'));
  const socket = join(dir, 'redis.sock');
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  let exited: Error | null = null;
  child.once('error', (err) => {
    exited = err;
  });
  child.once('exit', (code) => {
    exited ??= new Error(`redis-server exited with ${code}`);
  });
  await waitFor(
    () => {
      if (exited) throw exited;
      return existsSync(socket);
    },
    { what: 'private redis-server socket', timeoutMs: 10_000, intervalMs: 20 },
  ).catch((err: unknown) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw exited ?? err;
  });
  const redis = new Redis({ path: socket, maxRetriesPerRequest: 3 });
  return {
    redis,
    stop: async () => {
      redis.disconnect();
      const gone = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      child.kill('SIGTERM');
      await gone;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
