import pino from 'pino';
import type { AckerUpdate } from '../../../../pipeline/runtime/acker-store.js';
import { AckerTable } from '../../../../pipeline/runtime/acker-table.js';
import { Batcher } from '../../../../pipeline/runtime/batcher.js';
import type { ExecutorEnv } from '../../../../pipeline/runtime/executor-env.js';
import { RuntimeMetrics } from '../../../../pipeline/runtime/metrics.js';
import { Router } from '../../../../pipeline/runtime/router.js';
import { FakeClock } from '../../../../pipeline/runtime/testing/fake-clock.js';
import type { Topology } from '../../../../pipeline/runtime/topology-definition.js';
import type { WireTuple } from '../../../../pipeline/runtime/wire-tuple.js';

/**
 * The environment of executors of worker `w1` for a unit test: every bolt has one local task, a
 * fake clock, an in-memory acker (`env.acker`, an `AckerTable`) and a transfer that drops what it
 * is given; `overrides` replace any of it but the acker.
 */
export function testExecutorEnv(topology: Topology, overrides: Partial<Omit<ExecutorEnv, 'acker'>> = {}): ExecutorEnv & { acker: AckerTable } {
  const clock = new FakeClock();
  const acker = new AckerTable();
  return {
    topology,
    workerId: 'w1',
    log: pino({ level: 'silent' }),
    clock,
    router: new Router(topology, { localTasks: () => [0] }),
    transfer: new Batcher<WireTuple>({ batchSize: 100, lingerMs: 0, clock, send: async () => undefined }),
    acks: new Batcher<AckerUpdate>({ batchSize: 1000, lingerMs: 0, clock, send: (_key, updates) => acker.ack(updates) }),
    acker,
    metrics: new RuntimeMetrics(topology.name, 'w1', () => clock.monotonicMs()),
    messageTimeoutMs: 30_000,
    maxSpoutPending: 100,
    treeBatchSize: 1,
    ...overrides,
  };
}
