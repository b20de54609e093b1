import type { TaskMetricsSnapshot } from '../../pipeline/runtime/index.js';

/** A task's `/metrics.json` numbers: all zero and empty but for `over`. */
export const taskSnapshot = (over: Partial<TaskMetricsSnapshot> = {}): TaskMetricsSnapshot => ({
  emitted: 0,
  transferred: 0,
  acked: 0,
  failed: 0,
  replayed: 0,
  deadLettered: 0,
  executed: 0,
  capacity: 0,
  pending: 0,
  paused: false,
  executeLatency: { count: 0, p50: null, p99: null },
  processLatency: { count: 0, p50: null, p99: null },
  completeLatency: { count: 0, p50: null, p99: null },
  lag: {},
  ...over,
});
