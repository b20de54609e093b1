import { stableHash } from './stable-hash.js';
import type { Topology } from './topology-definition.js';
import type { TaskAddress } from './transport.js';

/**
 * Owners of bolt tasks among the live workers: rendezvous (highest random weight) hashing with
 * bounded loads. Each component's tasks are spread evenly: every worker gets `floor(n / w)` or
 * `ceil(n / w)` of its `n` tasks (so with as many tasks as workers, each worker owns one, and
 * local-or-shuffle groupings stay in process everywhere). Within that bound a task goes to the
 * worker that weighs it most: pairs (task, worker) are taken by decreasing weight of
 * `(worker, component, task)`, so a join or leave moves mostly the tasks the newcomer wins or the
 * leaver held. Every worker computes the same answer from the same live set, in any order, with
 * no coordinator. Returns `owner[component][task]`; empty when no worker is live.
 */
export function taskOwners(workers: readonly string[], tasks: readonly TaskAddress[]): Map<string, Map<number, string>> {
  const owners = new Map<string, Map<number, string>>();
  if (workers.length === 0) return owners;
  const live = [...new Set(workers)].sort();
  const byComponent = new Map<string, number[]>();
  for (const t of tasks) {
    const ids = byComponent.get(t.component);
    if (ids === undefined) byComponent.set(t.component, [t.task]);
    else ids.push(t.task);
  }
  for (const [component, ids] of byComponent) {
    const floor = Math.floor(ids.length / live.length);
    // How many workers may own one task more than `floor`.
    let extra = ids.length % live.length;
    const pairs = ids.flatMap((task) => live.map((worker) => ({ task, worker, weight: stableHash([worker, component, task]) })));
    pairs.sort((a, b) => b.weight - a.weight || (a.worker < b.worker ? -1 : a.worker > b.worker ? 1 : a.task - b.task));
    const owned = new Map<number, string>();
    const load = new Map<string, number>();
    for (const { task, worker } of pairs) {
      if (owned.has(task)) continue;
      const n = load.get(worker) ?? 0;
      if (n < floor || (n === floor && extra > 0)) {
        if (n === floor) extra -= 1;
        owned.set(task, worker);
        load.set(worker, n + 1);
      }
    }
    owners.set(component, owned);
  }
  return owners;
}

/** Every bolt task of a topology. */
export function boltTasks(topology: Topology): TaskAddress[] {
  const out: TaskAddress[] = [];
  for (const bolt of topology.bolts.values()) for (let task = 0; task < bolt.parallelism; task += 1) out.push({ component: bolt.id, task });
  return out;
}

/** The tasks `workerId` should own given the live workers. */
export function tasksOwnedBy(workerId: string, workers: readonly string[], tasks: readonly TaskAddress[]): TaskAddress[] {
  const owners = taskOwners(workers, tasks);
  return tasks.filter((t) => owners.get(t.component)?.get(t.task) === workerId);
}
