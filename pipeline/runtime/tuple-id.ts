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

/** Value of each lowercase hex digit, by character code. */
const HEX_VALUE = new Uint8Array(128);
for (let i = 0; i < 16; i += 1) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;

/** The 32-bit number written by the 8 hex digits of `id` from `start`. */
function half(id: string, start: number): number {
  let v = 0;
  for (let i = start; i < start + 8; i += 1) v = (v << 4) | (HEX_VALUE[id.charCodeAt(i)] as number);
  return v;
}

const out = Buffer.alloc(8);

/**
 * XOR of two ids. Digit by digit through a table and one hex encoding of 8 bytes: a profile of a
 * worker showed the former `parseInt`/`toString`/`padStart` version at 6% of its busy time (it
 * runs several times per tuple), and this one is about 4 times faster.
 */
export function xorIds(a: string, b: string): string {
  out.writeUInt32BE((half(a, 0) ^ half(b, 0)) >>> 0, 0);
  out.writeUInt32BE((half(a, 8) ^ half(b, 8)) >>> 0, 4);
  return out.toString('hex');
}
