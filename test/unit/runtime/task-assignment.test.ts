import { describe, expect, it } from 'vitest';
import { taskOwners, tasksOwnedBy } from '../../../pipeline/runtime/task-assignment.js';

const PARALLELISM: Record<string, number> = { validate: 2, state: 4, index: 2, sum: 8, tick: 1 };
const tasks = Object.entries(PARALLELISM).flatMap(([component, n]) => Array.from({ length: n }, (_, task) => ({ component, task })));
const ids = (n: number, prefix = 'w') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** owner of every task, in `tasks` order. */
const owners = (workers: readonly string[]) => {
  const map = taskOwners(workers, tasks);
  return tasks.map((t) => map.get(t.component)?.get(t.task));
};

describe('task assignment (rendezvous hashing with bounded loads)', () => {
  it('gives every task exactly one live owner, the same whatever the order of the live set', () => {
    const live = ['a', 'b', 'c'];
    const before = owners(live);
    expect(owners(['c', 'a', 'b'])).toEqual(before);
    for (const o of before) expect(live).toContain(o);
    const mine = live.map((w) => tasksOwnedBy(w, live, tasks).length);
    expect(mine.reduce((x, y) => x + y, 0)).toBe(tasks.length);
  });

  it.each([1, 2, 3, 4, 5, 9])('spreads each component evenly over %i workers (floor or ceil of its tasks per worker)', (count) => {
    for (const prefix of ['w', 'worker-', 'host-7:']) {
      const live = ids(count, prefix);
      const map = taskOwners(live, tasks);
      for (const [component, n] of Object.entries(PARALLELISM)) {
        const loads = live.map((w) => [...(map.get(component)?.values() ?? [])].filter((o) => o === w).length);
        expect(
          loads.reduce((x, y) => x + y, 0),
          component,
        ).toBe(n);
        for (const load of loads) {
          expect(load, `${component} on ${count} workers`).toBeGreaterThanOrEqual(Math.floor(n / count));
          expect(load, `${component} on ${count} workers`).toBeLessThanOrEqual(Math.ceil(n / count));
        }
      }
    }
  });

  it('moves few tasks when a worker joins or leaves: most stay where they were', () => {
    for (let trial = 0; trial < 20; trial += 1) {
      const two = ids(2, `t${trial}-`);
      const three = [...two, `t${trial}-new`];
      const before = owners(two);
      const joined = owners(three);
      const moved = tasks.filter((_, i) => before[i] !== joined[i]).length;
      const won = joined.filter((o) => o === three[2]).length;
      expect(won).toBeGreaterThanOrEqual(Object.values(PARALLELISM).reduce((sum, n) => sum + Math.floor(n / 3), 0));
      // What the newcomer wins, plus at most one task per component between the others (a
      // component's extra task may change hands when its bound changes); a reshuffle moves about two thirds.
      expect(moved).toBeLessThanOrEqual(won + Object.keys(PARALLELISM).length);
      // When it leaves again, every task goes back to where it was.
      expect(owners(two)).toEqual(before);
    }
  });

  it('has no owner without live workers', () => {
    expect(taskOwners([], tasks).size).toBe(0);
    expect(tasksOwnedBy('a', [], tasks)).toEqual([]);
  });
});
