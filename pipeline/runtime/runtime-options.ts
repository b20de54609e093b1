import { z } from 'zod';
import { ConfigError } from './errors.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * The runtime's own knobs, validated in one place; the application maps its configuration onto
 * them (the runtime reads no environment and knows no application config). Every field has its
 * default and bounds here.
 */
export const RuntimeOptionsSchema = z
  .object({
    /** A spout tuple whose tree is not complete within this is failed and replayed (default 120 000 ms). */
    messageTimeoutMs: int(100, 3_600_000).default(120_000),
    /** Un-acked tuples per spout task before fetching pauses (default 1 500). */
    maxSpoutPending: int(1, 1_000_000).default(1_500),
    /**
     * Messages a spout emits in one `nextTuple` call that share one tuple tree (Trident's unit of
     * tracking: one acker record, update and report per batch); replays always get a tree of their
     * own. 1: one tree per message, as in Storm (default 100).
     */
    treeBatchSize: int(1, 10_000).default(100),
    /**
     * Attempts before a record whose failures are all retriable is dead-lettered; null (default):
     * never, it replays with backoff until it succeeds (a retriable failure is a service that is not
     * there, never bad input; Storm's Kafka spout also retries for ever by default).
     */
    maxAttempts: int(1, 1_000_000).nullable().default(null),
    /** First replay delay; doubles per attempt with full jitter (default 200 ms). */
    backoffBaseMs: int(1, 600_000).default(200),
    /** Largest replay delay (default 30 000 ms). */
    backoffMaxMs: int(1, 3_600_000).default(30_000),
    /**
     * Tuples a worker queues in process (operator chaining) for one bolt's local tasks before
     * whatever emits to that bolt waits, spouts included (replays too), until half of them are
     * executed: Storm's backpressure (`QueueBackpressure`). It bounds a worker's memory while a bolt
     * waits on a sink; max spout pending does not, since one record may fan out to many tuples and
     * the trees that fail or time out meanwhile replay while their other tuples are still queued
     * (default 20 000).
     */
    maxQueuedTuples: int(1, 10_000_000).default(20_000),
    /** Tuples per queue job (default 100). */
    batchSize: int(1, 10_000).default(100),
    /** How long a partial batch waits before it is sent (default 5 ms). */
    lingerMs: int(0, 10_000).default(5),
    /** How often a worker renews its liveness (default 1 000 ms). */
    heartbeatMs: int(50, 60_000).default(1_000),
    /** A worker silent for this long is dead and its tasks move (default 5 000 ms). */
    workerTtlMs: int(200, 600_000).default(5_000),
    /** HTTP port of /metrics and /metrics.json; 0 (default): any free port. */
    metricsPort: int(0, 65_535).default(0),
    /**
     * Serve `/debug/cpu-profile?seconds=N` on the metrics port: a CPU profile of the worker on
     * request, as Storm's `worker.profiler.enabled` (default false: profiling costs the worker CPU
     * while it runs, so whoever can reach the port should not start it unasked).
     */
    profilerEnabled: z.boolean().default(false),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.backoffBaseMs > o.backoffMaxMs) ctx.addIssue({ code: 'custom', path: ['backoffBaseMs'], message: 'must not exceed backoffMaxMs' });
    if (o.heartbeatMs * 2 > o.workerTtlMs) ctx.addIssue({ code: 'custom', path: ['workerTtlMs'], message: 'must be at least twice heartbeatMs' });
  });

/** Validated runtime options. */
export type RuntimeOptions = z.infer<typeof RuntimeOptionsSchema>;

/** Validates `input`, filling in defaults; throws a `ConfigError` listing every problem. */
export function runtimeOptions(input: z.input<typeof RuntimeOptionsSchema> = {}): RuntimeOptions {
  const parsed = RuntimeOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    'invalid runtime options',
    parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}
