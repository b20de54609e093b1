import type { WireTuple } from './wire-tuple.js';

/** Where a tuple goes: one task of one bolt. */
export interface TaskAddress {
  component: string;
  task: number;
}

/** Carries batches of tuples to bolt tasks (BullMQ queues in real mode, memory in local mode). */
export interface Transport {
  send(target: TaskAddress, tuples: readonly WireTuple[]): Promise<void>;
}

/** Which tasks of a component this worker hosts right now (for local-or-shuffle grouping). */
export interface LocalTasks {
  localTasks(component: string): readonly number[];
}
