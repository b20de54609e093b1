import { Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config/config.js';

/** Options of `createRedis`. */
export interface CreateRedisOptions {
  /**
   * For BullMQ workers and blocking commands: `maxRetriesPerRequest: null`, so that a command
   * waits through a Redis restart instead of failing (default false: 20 retries per command).
   */
  bullmq?: boolean;
  /** Connection name shown by CLIENT LIST. */
  connectionName?: string;
  /** Do not connect until the first command (default false). */
  lazyConnect?: boolean;
}

/** Builds the ioredis options for the configured Redis (password from config overrides the URL's). */
export function redisClientOptions(config: Config, options: CreateRedisOptions = {}): RedisOptions {
  return {
    ...(config.redis.password ? { password: config.redis.password } : {}),
    maxRetriesPerRequest: options.bullmq ? null : 20,
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
    lazyConnect: options.lazyConnect ?? false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
  };
}

/** Creates an ioredis client for the configured Redis (rediss:// URLs use TLS). */
export function createRedis(config: Config, options: CreateRedisOptions = {}): Redis {
  return new Redis(config.redis.url, redisClientOptions(config, options));
}
