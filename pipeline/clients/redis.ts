import type { ConnectionOptions } from 'bullmq';
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

/**
 * BullMQ connection options for the configured Redis: host, port, db, user and password from the
 * URL (a configured password overrides the URL's), TLS for rediss://. BullMQ bundles its own
 * ioredis, so it takes options and makes its own connections rather than one of our clients.
 */
export function bullmqConnection(config: Config, connectionName: string): ConnectionOptions {
  const url = new URL(config.redis.url);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  const password = config.redis.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    db,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(password ? { password } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    connectionName,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 2_000),
  };
}
