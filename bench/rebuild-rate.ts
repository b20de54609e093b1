import type { Logger } from 'pino';
import { assertTopologyStopped, prepareRebuild, type RebuildClients, restoreReplicas, runUntilRebuilt } from '../ops/rebuild.js';
import { RefusalError } from '../ops/usage-error.js';
import { WorkerProcesses } from '../ops/worker-processes.js';
import { waitUntil } from '../stack/wait-until.js';
import type { BenchNamespace } from './bench-namespace.js';
import { RssSampler } from './rss-sampler.js';

/** One rebuild of a namespace. */
export interface RebuildRun {
  records: number;
  /** Records per second as `npm run rebuild` reports them (from starting the workers to every replica restored). */
  rate: number;
  peakWorkerRssMb: number | null;
}

/**
 * The rebuild rate: `npm run rebuild`'s machinery (ops/rebuild.ts) on a namespace whose workers
 * have stopped: the derived stores are emptied and the groups rewound to offset 0, then
 * `workers` topology workers replay every raw record into the empty indices (without replicas),
 * and the time ends when the replicas are back.
 */
export async function measureRebuild(ns: BenchNamespace, workers: number, log: Logger): Promise<RebuildRun> {
  const clients: RebuildClients = { admin: ns.admin, es: ns.es, redis: ns.redis };
  // Stopped workers leave their groups and let their heartbeats expire within a few seconds.
  await waitUntil(
    async () => {
      await assertTopologyStopped(clients, ns.names);
      return true;
    },
    { what: 'the topology workers of the namespace stopped', timeoutMs: 120_000, intervalMs: 1_000, retryIf: (err) => err instanceof RefusalError },
  );
  await prepareRebuild(clients, ns.names, ns.config, { onStep: (step) => log.debug({ step }, 'rebuild step') });
  const processes = new WorkerProcesses({ env: ns.env, count: workers, logDir: ns.logDir, maxRestarts: 0 });
  const rss = new RssSampler(() => ({ 'topology-worker': processes.pids() }));
  const started = performance.now();
  processes.start();
  try {
    const final = await runUntilRebuilt(clients, ns.names, { workers: processes, stallTimeoutMs: 300_000, intervalMs: 500, onProgress: () => undefined });
    const processedSeconds = (performance.now() - started) / 1000;
    await restoreReplicas(clients, ns.names, ns.config, { timeoutMs: 300_000 });
    const seconds = (performance.now() - started) / 1000;
    log.info({ namespace: ns.names.namespace, records: final.total, seconds: Math.round(seconds), processedSeconds: Math.round(processedSeconds) }, 'rebuilt');
    return { records: final.total, rate: final.total / seconds, peakWorkerRssMb: rss.stop()['topology-worker'] ?? null };
  } finally {
    rss.stop();
    await processes.stop();
  }
}
