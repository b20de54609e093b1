/**
 * Every queue name and Redis key of the runtime, all under the topology name, so that two
 * topologies (or two test runs) never share state.
 */
export interface RuntimeKeys {
  /** SCAN pattern matching every Redis key of the topology (queues included). */
  pattern: string;
  /** BullMQ prefix of the topology's task queues. */
  queuePrefix: string;
  /** BullMQ queue name of one bolt task (BullMQ forbids `:` in names). */
  taskQueue(component: string, task: number): string;
  /** Acker record of one tuple tree. */
  tree(root: string): string;
  /** Prefix of the per-worker completion lists (the worker id follows). */
  donePrefix: string;
  /** Completion list of one worker. */
  done(workerId: string): string;
  /** Sorted set of live workers, scored by expiry time. */
  workers: string;
  /** Registry hash of one worker (metrics port, host, pid). */
  worker(workerId: string): string;
  /** Lease of one bolt task (value: owning worker id). */
  lease(component: string, task: number): string;
}

/** The runtime keys of topology `topology`. */
export function runtimeKeys(topology: string): RuntimeKeys {
  const p = `rt:${topology}`;
  return {
    pattern: `${p}:*`,
    queuePrefix: `${p}:bull`,
    taskQueue: (component, task) => `${component}.${task}`,
    tree: (root) => `${p}:ack:${root}`,
    donePrefix: `${p}:done:`,
    done: (workerId) => `${p}:done:${workerId}`,
    workers: `${p}:workers`,
    worker: (workerId) => `${p}:worker:${workerId}`,
    lease: (component, task) => `${p}:lease:${component}:${task}`,
  };
}
