import { describe, expect, it } from 'vitest';
import { Batcher } from '../../../pipeline/runtime/batcher.js';
import { FakeClock } from '../../../pipeline/runtime/testing/fake-clock.js';

function setup(batchSize: number, lingerMs: number) {
  const clock = new FakeClock();
  const sent: [string, number[]][] = [];
  const batcher = new Batcher<number>({ batchSize, lingerMs, clock, send: async (key, items) => void sent.push([key, items]) });
  return { clock, sent, batcher };
}

describe('Batcher', () => {
  it('sends a group as soon as it is full', () => {
    const { sent, batcher } = setup(3, 100);
    for (const n of [1, 2, 3, 4]) batcher.add('a', n);
    expect(sent).toEqual([['a', [1, 2, 3]]]);
    expect(batcher.buffered).toBe(1);
  });

  it('sends a partial group after the linger time, per key', () => {
    const { clock, sent, batcher } = setup(10, 5);
    batcher.add('a', 1);
    clock.advance(2);
    batcher.add('b', 2);
    clock.advance(3);
    expect(sent).toEqual([['a', [1]]]);
    clock.advance(2);
    expect(sent).toEqual([
      ['a', [1]],
      ['b', [2]],
    ]);
  });

  it('flush sends everything and reports a failed send', async () => {
    const clock = new FakeClock();
    const batcher = new Batcher<number>({ batchSize: 10, lingerMs: 5, clock, send: async () => Promise.reject(new Error('redis down')) });
    batcher.add('a', 1);
    await expect(batcher.flush()).rejects.toThrow('redis down');
    await expect(batcher.flush()).resolves.toBeUndefined();
  });
});
