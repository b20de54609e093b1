import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

type ScriptCommand = (numberOfKeys: number, ...args: (string | number)[]) => Promise<unknown>;

/**
 * A Lua script, run atomically by Redis. It is registered on each connection with ioredis'
 * `defineCommand` under a name derived from its SHA1, so ioredis runs it by EVALSHA and reloads it
 * after a Redis restart. The one way this project calls Lua (runtime and application alike).
 */
export class LuaScript {
  private readonly command: string;

  constructor(private readonly source: string) {
    this.command = `lua_${createHash('sha1').update(source).digest('hex').slice(0, 16)}`;
  }

  /** Runs the script with `keys` as KEYS and `args` as ARGV. */
  run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const commands = redis as unknown as Record<string, ScriptCommand | undefined>;
    let fn = commands[this.command];
    if (fn === undefined) {
      redis.defineCommand(this.command, { lua: this.source });
      fn = commands[this.command] as ScriptCommand;
    }
    return fn.call(redis, keys.length, ...keys, ...args);
  }
}
