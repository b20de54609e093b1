import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

type ScriptCommand = (...args: (string | number)[]) => Promise<unknown>;

/**
 * A Lua script registered on a connection with ioredis' `defineCommand`, which runs it by SHA1
 * and reloads it after a Redis restart.
 */
export class LuaScript {
  private readonly command: string;

  constructor(private readonly source: string) {
    this.command = `analytics_${createHash('sha1').update(source).digest('hex').slice(0, 16)}`;
  }

  /** Runs the script with no declared keys and `args` as ARGV. */
  run(redis: Redis, args: readonly (string | number)[]): Promise<unknown> {
    const commands = redis as unknown as Record<string, ScriptCommand | undefined>;
    let fn = commands[this.command];
    if (fn === undefined) {
      redis.defineCommand(this.command, { numberOfKeys: 0, lua: this.source });
      fn = commands[this.command] as ScriptCommand;
    }
    return fn.call(redis, ...args);
  }
}
