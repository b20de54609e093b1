import { describe, expect, it } from 'vitest';
import { chunkByBytes } from '../../../producers/kafka-record-sink.js';

const record = (key: string | null, bytes: number) => ({ key, value: 'v'.repeat(bytes) });

describe('chunkByBytes', () => {
  it('keeps the records in order, in runs of at most the byte budget (keys counted)', () => {
    const records = Array.from({ length: 10 }, (_, i) => record(`k${i}`, 98)); // 100 bytes each
    const chunks = chunkByBytes(records, 300);
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 3, 1]);
    expect(chunks.flat()).toEqual(records);
  });

  it('counts bytes, not characters', () => {
    const wide = { key: null, value: '€'.repeat(50) }; // 150 bytes in UTF-8
    expect(chunkByBytes([wide, wide], 299).map((c) => c.length)).toEqual([1, 1]);
    expect(chunkByBytes([wide, wide], 300).map((c) => c.length)).toEqual([2]);
  });

  it('sends a record larger than the budget alone, and nothing for no records', () => {
    const chunks = chunkByBytes([record('a', 10), record('big', 500), record('b', 10)], 100);
    expect(chunks.map((c) => c.map((r) => r.key))).toEqual([['a'], ['big'], ['b']]);
    expect(chunkByBytes([], 100)).toEqual([]);
  });
});
