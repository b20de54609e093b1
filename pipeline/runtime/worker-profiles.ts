import type { CpuProfile } from './cpu-profiler.js';
import { readLiveWorkers, workerEndpoint } from './metrics-aggregate.js';
import type { RuntimeConnections } from './runtime-connections.js';
import type { RuntimeOptions } from './runtime-options.js';
import type { WorkerInfo } from './worker-registry.js';

/** One worker's CPU profile. */
export interface WorkerCpuProfile {
  workerId: string;
  profile: CpuProfile;
}

/** The profiles of the workers that gave one, and why the others did not. */
export interface WorkerCpuProfiles {
  profiles: WorkerCpuProfile[];
  failed: { workerId: string; reason: string }[];
}

/**
 * Profiles every given worker at once for the same `seconds` (`/debug/cpu-profile` of each
 * one's metrics server; a worker must run with `profilerEnabled`).
 */
export async function fetchWorkerCpuProfiles(workers: readonly WorkerInfo[], seconds: number): Promise<WorkerCpuProfiles> {
  const answers = await Promise.all(
    workers.map(async (w): Promise<WorkerCpuProfile | { workerId: string; reason: string }> => {
      try {
        const res = await fetch(workerEndpoint(w, `/debug/cpu-profile?seconds=${seconds}`), { signal: AbortSignal.timeout(seconds * 1_000 + 30_000) });
        if (!res.ok) return { workerId: w.workerId, reason: `HTTP ${res.status}: ${(await res.text()).trim()}` };
        return { workerId: w.workerId, profile: (await res.json()) as CpuProfile };
      } catch (err) {
        return { workerId: w.workerId, reason: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  return {
    profiles: answers.filter((a): a is WorkerCpuProfile => 'profile' in a),
    failed: answers.filter((a): a is { workerId: string; reason: string } => 'reason' in a),
  };
}

/** Reads the live workers of `topology` from Redis and profiles them all for `seconds`. */
export async function readWorkerCpuProfiles(
  connections: Pick<RuntimeConnections, 'redis'>,
  runtime: Pick<RuntimeOptions, 'workerTtlMs'>,
  topology: string,
  seconds: number,
): Promise<WorkerCpuProfiles> {
  return fetchWorkerCpuProfiles(await readLiveWorkers(connections, runtime, topology, 'profile-reader'), seconds);
}
