import { randomFillSync } from 'node:crypto';

/**
 * Tuple ids are random 64-bit values written as 16 lowercase hex digits, so that the Redis Lua
 * acker can XOR them as two 32-bit halves. The all-zero id is never issued.
 */
export const ZERO_ID = '0000000000000000';

/** Random bytes drawn 4 KiB at a time: one system call per 512 ids instead of one per id. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/** A fresh random non-zero 64-bit id. */
export function newTupleId(): string {
  for (;;) {
    if (poolOffset === pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const id = pool.toString('hex', poolOffset, poolOffset + 8);
    poolOffset += 8;
    if (id !== ZERO_ID) return id;
  }
}

/** XOR of two ids. */
export function xorIds(a: string, b: string): string {
  const hi = (parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) >>> 0;
  const lo = (parseInt(a.slice(8, 16), 16) ^ parseInt(b.slice(8, 16), 16)) >>> 0;
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
