import { stableHash } from './stable-hash.js';
import type { Topology } from './topology-definition.js';
import type { TaskAddress } from './transport.js';

/**
 * Owner of a bolt task among the live workers by rendezvous (highest random weight) hashing:
 * when a worker joins or leaves, only the tasks it gains or held move; every worker computes the
 * same answer from the same live set, with no coordinator.
 */
export function rendezvousOwner(workers: readonly string[], task: TaskAddress): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const w of workers) {
    const weight = stableHash([w, task.component, task.task]);
    if (weight > bestWeight || (weight === bestWeight && best !== undefined && w < best)) {
      best = w;
      bestWeight = weight;
    }
  }
  return best;
}

/** Every bolt task of a topology. */
export function boltTasks(topology: Topology): TaskAddress[] {
  const out: TaskAddress[] = [];
  for (const bolt of topology.bolts.values()) for (let task = 0; task < bolt.parallelism; task += 1) out.push({ component: bolt.id, task });
  return out;
}

/** The tasks `workerId` should own given the live workers. */
export function tasksOwnedBy(workerId: string, workers: readonly string[], tasks: readonly TaskAddress[]): TaskAddress[] {
  return tasks.filter((t) => rendezvousOwner(workers, t) === workerId);
}
