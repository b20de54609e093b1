import type { Redis } from 'ioredis';

/** Deletes every Redis key matching any of `patterns` (SCAN, never KEYS); returns how many were deleted. */
export async function deleteKeys(redis: Redis, patterns: readonly string[]): Promise<number> {
  let deleted = 0;
  for (const match of patterns) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  }
  return deleted;
}
