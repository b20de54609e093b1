import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BenchNamespace } from '../../../bench/bench-namespace.js';
import { TopologyWorkers } from '../../../bench/topology-workers.js';

/** Workers never started: only `profile`'s handling of what `cpuProfiles` gives is under test. */
function unstartedWorkers(): { workers: TopologyWorkers; warnings: Record<string, unknown>[] } {
  const warnings: Record<string, unknown>[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line) as Record<string, unknown>) });
  const ns = { env: {}, logDir: '/nonexistent/bench-logs' } as unknown as BenchNamespace;
  return { workers: new TopologyWorkers(ns, 2, log), warnings };
}

describe('TopologyWorkers.profile', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('resolves to null with a warning when reading the profiles fails, so a run never fails for its profile', async () => {
    const { workers, warnings } = unstartedWorkers();
    vi.spyOn(workers, 'cpuProfiles').mockRejectedValue(new Error('Redis connection lost'));

    await expect(workers.profile(5)).resolves.toBeNull();

    expect(warnings).toMatchObject([{ msg: 'worker CPU profiles not taken', err: { message: 'Redis connection lost' } }]);
  });

  it('resolves to null, naming the workers that did not answer, when no profile came back', async () => {
    const { workers, warnings } = unstartedWorkers();
    vi.spyOn(workers, 'cpuProfiles').mockResolvedValue({ profiles: [], failed: [{ workerId: 'worker-a', reason: 'HTTP 404: profiler disabled' }] });

    await expect(workers.profile(5)).resolves.toBeNull();

    expect(warnings).toMatchObject([{ failed: [{ workerId: 'worker-a', reason: 'HTTP 404: profiler disabled' }] }]);
  });

  it('resolves to null without a warning when no worker is profiling', async () => {
    const { workers, warnings } = unstartedWorkers();
    vi.spyOn(workers, 'cpuProfiles').mockResolvedValue({ profiles: [], failed: [] });

    await expect(workers.profile(5)).resolves.toBeNull();

    expect(warnings).toEqual([]);
  });
});
