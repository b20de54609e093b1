import { describe, expect, it } from 'vitest';
import { newTupleId, xorIds, ZERO_ID } from '../../../pipeline/runtime/tuple-id.js';

const asBigInt = (id: string) => BigInt(`0x${id}`);
const asId = (n: bigint) => n.toString(16).padStart(16, '0');

describe('tuple ids', () => {
  it('are 16 lowercase hex digits, never zero', () => {
    for (let i = 0; i < 2_000; i += 1) {
      const id = newTupleId();
      expect(id).toMatch(/^[0-9a-f]{16}$/);
      expect(id).not.toBe(ZERO_ID);
    }
  });

  it('XOR as 64-bit numbers do, including the top bits and leading zeros', () => {
    const ids = [...Array.from({ length: 300 }, newTupleId), 'ffffffffffffffff', '8000000000000001', '00000000ffffffff', '0000000000000001'];
    for (const a of ids) for (const b of ids.slice(-40)) expect(xorIds(a, b)).toBe(asId(asBigInt(a) ^ asBigInt(b)));
  });

  it('cancel out: x ^ x is zero, zero is the identity, and the order of a fold does not matter', () => {
    const ids = Array.from({ length: 50 }, newTupleId);
    for (const id of ids) {
      expect(xorIds(id, id)).toBe(ZERO_ID);
      expect(xorIds(id, ZERO_ID)).toBe(id);
    }
    const forward = ids.reduce(xorIds, ZERO_ID);
    const backward = [...ids].reverse().reduce(xorIds, ZERO_ID);
    expect(forward).toBe(backward);
    expect([...ids, ...ids].reduce(xorIds, ZERO_ID)).toBe(ZERO_ID);
  });
});
