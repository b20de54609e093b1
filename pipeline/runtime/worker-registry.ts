import { LuaScript } from './lua-script.js';
import type { Redis } from 'ioredis';
import type { RuntimeKeys } from './keys.js';

const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[2], 'port', ARGV[3], 'host', ARGV[4], 'pid', ARGV[5], 'seen', now)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]))
return redis.call('ZRANGE', KEYS[1], 0, -1)`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** One live worker as registered in Redis. */
export interface WorkerInfo {
  workerId: string;
  host: string;
  port: number;
  pid: number;
}

const SCRIPTS = { heartbeat: new LuaScript(HEARTBEAT), renew: new LuaScript(RENEW), release: new LuaScript(RELEASE) };

/**
 * Liveness of workers (a sorted set scored by expiry, on Redis's clock so worker clocks may
 * differ) and leases of bolt tasks (a key per task holding the owner's id, with a TTL).
 */
export class WorkerRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RuntimeKeys,
    private readonly workerId: string,
    private readonly ttlMs: number,
  ) {}

  /** Renews this worker's liveness and returns the ids of every live worker. */
  async heartbeat(info: { host: string; port: number; pid: number }): Promise<string[]> {
    return (await SCRIPTS.heartbeat.run(
      this.redis,
      [this.keys.workers, this.keys.worker(this.workerId)],
      [this.workerId, String(this.ttlMs), String(info.port), info.host, String(info.pid)],
    )) as string[];
  }

  /** Removes this worker from the live set. */
  async deregister(): Promise<void> {
    await this.redis.multi().zrem(this.keys.workers, this.workerId).del(this.keys.worker(this.workerId)).exec();
  }

  /** Every live worker with its metrics endpoint. */
  async liveWorkers(): Promise<WorkerInfo[]> {
    const ids = await this.redis.zrangebyscore(this.keys.workers, Date.now(), '+inf');
    const out: WorkerInfo[] = [];
    for (const id of ids) {
      const h = await this.redis.hgetall(this.keys.worker(id));
      if (h.port) out.push({ workerId: id, host: h.host ?? '127.0.0.1', port: Number(h.port), pid: Number(h.pid) });
    }
    return out;
  }

  /** Takes the lease of a task if free (or already ours). */
  async acquire(component: string, task: number): Promise<boolean> {
    const key = this.keys.lease(component, task);
    const ok = await this.redis.set(key, this.workerId, 'PX', this.ttlMs, 'NX');
    if (ok === 'OK') return true;
    return (await SCRIPTS.renew.run(this.redis, [key], [this.workerId, String(this.ttlMs)])) === 1;
  }

  /** Extends a lease we hold; false when it was lost (expired and maybe taken). */
  async renew(component: string, task: number): Promise<boolean> {
    return (await SCRIPTS.renew.run(this.redis, [this.keys.lease(component, task)], [this.workerId, String(this.ttlMs)])) === 1;
  }

  /** Gives a lease back if we still hold it. */
  async release(component: string, task: number): Promise<void> {
    await SCRIPTS.release.run(this.redis, [this.keys.lease(component, task)], [this.workerId]);
  }
}
