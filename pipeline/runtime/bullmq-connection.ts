import type { ConnectionOptions } from 'bullmq';
import type { Config } from '../config/config.js';

/**
 * BullMQ connection options for the configured Redis. BullMQ bundles its own ioredis, so it gets
 * options (and makes its own connections) rather than one of our client instances.
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
