import { describe, expect, it } from 'vitest';
import { aggregateMetrics } from '../../../pipeline/runtime/metrics-aggregate.js';
import { taskSnapshot } from '../../support/task-snapshot.js';

const task = taskSnapshot;

describe('aggregateMetrics', () => {
  it('sums tasks over workers, keeps per-worker totals and the worst capacity and p99', () => {
    const m = aggregateMetrics(
      [
        {
          topology: 't',
          workerId: 'w1',
          queuedTuples: 0,
          backpressure: false,
          components: {
            sum: { '0': task({ executed: 5, capacity: 0.2 }), '1': task({ executed: 7 }) },
            spout: { '0': task({ acked: 3, paused: true, completeLatency: { count: 3, p50: 10, p99: 40 } }) },
          },
        },
        {
          topology: 't',
          workerId: 'w2',
          queuedTuples: 0,
          backpressure: false,
          components: {
            sum: { '2': task({ executed: 1, capacity: 0.7 }) },
            spout: { '0': task({ acked: 4, completeLatency: { count: 4, p50: 12, p99: 90 } }) },
          },
        },
      ],
      ['w3'],
    );
    expect(m.components.sum?.totals.executed).toBe(13);
    expect(m.components.sum?.byWorker).toMatchObject({ w1: { executed: 12 }, w2: { executed: 1 } });
    expect(m.components.sum?.maxCapacity).toBe(0.7);
    expect(m.components.spout?.totals.acked).toBe(7);
    expect(m.components.spout?.pausedTasks).toBe(1);
    expect(m.components.spout?.maxCompleteP99).toBe(90);
    expect(m.unreachable).toEqual(['w3']);
  });
});
