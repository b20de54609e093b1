import { InvariantError } from './errors.js';
import { stableHash } from './stable-hash.js';
import type { Grouping } from './topology-definition.js';
import type { Values } from './types.js';

/** Picks the target tasks of one tuple for one subscription. */
export interface TaskSelector {
  select(values: Readonly<Values>): readonly number[];
}

/** What a selector needs to know besides the grouping. */
export interface SelectorContext {
  /** Tasks of the target bolt. */
  taskCount: number;
  /** Target tasks hosted by the emitting worker right now (for local-or-shuffle). */
  localTasks: () => readonly number[];
  /** Random source in [0, 1); injectable for tests. */
  random?: () => number;
}

/** Task of a fields grouping: a stable hash of the named values modulo the task count. */
export function fieldsTask(values: Readonly<Values>, fields: readonly string[], taskCount: number): number {
  const key = fields.map((f) => {
    if (!(f in values)) throw new InvariantError('tuple lacks a field of its fields grouping', { field: f, fields: [...fields] });
    return values[f];
  });
  return stableHash(key) % taskCount;
}

/** Creates the selector of `grouping` (pure but for the round-robin counter). */
export function createTaskSelector(grouping: Grouping, context: SelectorContext): TaskSelector {
  const { taskCount } = context;
  const random = context.random ?? Math.random;
  const all = Array.from({ length: taskCount }, (_, i) => i);
  let next = Math.floor(random() * taskCount);
  const roundRobin = () => {
    const task = next % taskCount;
    next = (next + 1) % taskCount;
    return task;
  };
  switch (grouping.kind) {
    case 'fields':
      return { select: (values) => [fieldsTask(values, grouping.fields, taskCount)] };
    case 'shuffle':
      return { select: () => [roundRobin()] };
    case 'all':
      return { select: () => all };
    case 'global':
      return { select: () => [0] };
    case 'local-or-shuffle':
      return {
        select: () => {
          const local = context.localTasks();
          if (local.length === 0) return [roundRobin()];
          return [local[Math.floor(random() * local.length)] as number];
        },
      };
  }
}
