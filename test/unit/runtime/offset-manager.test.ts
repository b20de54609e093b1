import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../../pipeline/runtime/errors.js';
import { OffsetManager } from '../../../pipeline/runtime/offset-manager.js';

describe('OffsetManager', () => {
  it.each([
    { name: 'nothing complete', added: [5, 6, 7], completed: [], commit: undefined },
    { name: 'first complete', added: [5, 6, 7], completed: [5], commit: '6' },
    { name: 'gap blocks the prefix', added: [5, 6, 7], completed: [5, 7], commit: '6' },
    { name: 'gap filled', added: [5, 6, 7], completed: [7, 5, 6], commit: '8' },
    { name: 'only a later one', added: [5, 6, 7], completed: [6, 7], commit: undefined },
    { name: 'sparse offsets (compaction)', added: [10, 20, 30], completed: [10, 20], commit: '21' },
  ])('commits the contiguous complete prefix: $name', ({ added, completed, commit }) => {
    const m = new OffsetManager();
    for (const o of added) m.add(String(o));
    for (const o of completed) m.complete(String(o));
    expect(m.committable()).toBe(commit);
    expect(m.pending).toBe(added.length - completed.length);
  });

  it('does not offer the same commit twice', () => {
    const m = new OffsetManager();
    m.add('0');
    m.complete('0');
    expect(m.committable()).toBe('1');
    m.markCommitted('1');
    expect(m.committable()).toBeUndefined();
    m.add('1');
    m.complete('1');
    expect(m.committable()).toBe('2');
  });

  it('handles offsets beyond 2^53', () => {
    const m = new OffsetManager();
    m.add('9007199254740993');
    m.complete('9007199254740993');
    expect(m.committable()).toBe('9007199254740994');
  });

  it('rejects offsets out of order and ignores unknown completions', () => {
    const m = new OffsetManager();
    m.add('3');
    expect(() => m.add('2')).toThrow(InvariantError);
    m.complete('99');
    expect(m.pending).toBe(1);
  });

  it('stays correct over many offsets completed out of order', () => {
    const m = new OffsetManager();
    const n = 5000;
    for (let i = 0; i < n; i += 1) m.add(String(i));
    const order = Array.from({ length: n }, (_, i) => i).reverse();
    for (const o of order.slice(0, n - 1)) m.complete(String(o));
    expect(m.committable()).toBeUndefined();
    m.complete('0');
    expect(m.committable()).toBe(String(n));
  });
});
