import { describe, expect, it } from 'vitest';
import { createTaskSelector, fieldsTask } from '../../../pipeline/runtime/grouping.js';
import { InvariantError } from '../../../pipeline/runtime/errors.js';

const noLocal = () => [] as number[];

describe('fields grouping', () => {
  it('sends equal field values to the same task, whatever the other fields', () => {
    const selector = createTaskSelector({ kind: 'fields', fields: ['user'] }, { taskCount: 7, localTasks: noLocal });
    for (let i = 0; i < 50; i += 1) {
      const a = selector.select({ user: `u${i}`, amount: 1 });
      const b = selector.select({ user: `u${i}`, amount: 999, extra: true });
      expect(a).toEqual(b);
    }
  });

  it('is stable across processes: a pinned value keeps its task', () => {
    // Computed once and pinned: a change here would silently re-partition keyed state on upgrade.
    expect(fieldsTask({ k: 'alpha' }, ['k'], 16)).toBe(fieldsTask({ k: 'alpha', z: 1 }, ['k'], 16));
    expect([0, 1, 2].map((i) => fieldsTask({ k: `key-${i}` }, ['k'], 1000))).toEqual([861, 967, 859]);
  });

  it('spreads many keys over every task', () => {
    const counts = new Array(4).fill(0) as number[];
    for (let i = 0; i < 4000; i += 1) counts[fieldsTask({ k: i }, ['k'], 4)] = (counts[fieldsTask({ k: i }, ['k'], 4)] ?? 0) + 1;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it('uses every named field', () => {
    const tasks = new Set<number>();
    for (let i = 0; i < 100; i += 1) tasks.add(fieldsTask({ a: 'same', b: i }, ['a', 'b'], 8));
    expect(tasks.size).toBeGreaterThan(1);
  });

  it('rejects a tuple without a grouped field', () => {
    expect(() => fieldsTask({ a: 1 }, ['b'], 3)).toThrow(InvariantError);
  });
});

describe('other groupings', () => {
  it('shuffle spreads evenly over the tasks', () => {
    const selector = createTaskSelector({ kind: 'shuffle' }, { taskCount: 3, localTasks: noLocal, random: () => 0 });
    const seen = Array.from({ length: 9 }, () => selector.select({})[0]);
    expect(seen).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });

  it('all reaches every task, global only task 0', () => {
    expect(createTaskSelector({ kind: 'all' }, { taskCount: 3, localTasks: noLocal }).select({})).toEqual([0, 1, 2]);
    expect(createTaskSelector({ kind: 'global' }, { taskCount: 3, localTasks: noLocal }).select({})).toEqual([0]);
  });

  it('local-or-shuffle prefers tasks of this worker, else shuffles', () => {
    let local: number[] = [2];
    const selector = createTaskSelector({ kind: 'local-or-shuffle' }, { taskCount: 4, localTasks: () => local, random: () => 0 });
    expect(selector.select({})).toEqual([2]);
    local = [];
    expect([selector.select({})[0], selector.select({})[0]]).toEqual([0, 1]);
  });
});
