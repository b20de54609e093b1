import { describe, expect, it } from 'vitest';
import { rendezvousOwner, tasksOwnedBy } from '../../../pipeline/runtime/task-assignment.js';

const tasks = [
  ...Array.from({ length: 4 }, (_, task) => ({ component: 'parse', task })),
  ...Array.from({ length: 8 }, (_, task) => ({ component: 'sum', task })),
];

describe('rendezvous task assignment', () => {
  it('gives every task exactly one owner, the same whatever the order of the live set', () => {
    const owners = tasks.map((t) => rendezvousOwner(['a', 'b', 'c'], t));
    expect(tasks.map((t) => rendezvousOwner(['c', 'a', 'b'], t))).toEqual(owners);
    const mine = ['a', 'b', 'c'].map((w) => tasksOwnedBy(w, ['a', 'b', 'c'], tasks).length);
    expect(mine.reduce((x, y) => x + y, 0)).toBe(tasks.length);
  });

  it('moves only the tasks the newcomer wins when a worker joins', () => {
    const before = tasks.map((t) => rendezvousOwner(['a', 'b'], t));
    const after = tasks.map((t) => rendezvousOwner(['a', 'b', 'c'], t));
    tasks.forEach((_, i) => {
      if (before[i] !== after[i]) expect(after[i]).toBe('c');
    });
    expect(after.filter((o) => o === 'c').length).toBeGreaterThan(0);
  });

  it("moves only the leaver's tasks when a worker leaves", () => {
    const before = tasks.map((t) => rendezvousOwner(['a', 'b', 'c'], t));
    const after = tasks.map((t) => rendezvousOwner(['a', 'c'], t));
    tasks.forEach((_, i) => {
      if (before[i] !== 'b') expect(after[i]).toBe(before[i]);
    });
  });

  it('has no owner without live workers', () => {
    expect(rendezvousOwner([], { component: 'sum', task: 0 })).toBeUndefined();
  });
});
