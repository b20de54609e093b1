import type { Redis } from 'ioredis';
import { deleteKeysMatching } from '../../ops/redis-keys.js';

/** Deletes every Redis key matching any of `patterns` (SCAN, never KEYS): a test's namespace cleanup. */
export async function deleteKeys(redis: Redis, patterns: readonly string[]): Promise<void> {
  await deleteKeysMatching(redis, patterns);
}
