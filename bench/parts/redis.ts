import { randomBytes } from 'node:crypto';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RuntimeConnections, RuntimeOptions } from '../../pipeline/runtime/index.js';
import { runtimeKeys } from '../../pipeline/runtime/index.js';
import { BullmqTransport, RedisAcker, TupleBatchSchema, type WireTuple } from '../../pipeline/runtime/testing/index.js';
import { sendBatchesInFlight } from '../batches-in-flight.js';
import { transactionEvents } from '../transaction-samples.js';
import { withTimeout } from '../with-timeout.js';

/** Concurrent callers (spout and bolt tasks of a worker share one connection). */
const LANES = 4;
/** Task queues fed and drained at once (the transaction path's widest bolt has 4 tasks). */
const QUEUES = 4;
const DRAIN_TIMEOUT_MS = 600_000;

const rootId = () => randomBytes(8).toString('hex');

/**
 * The runtime's acker alone: `count` tuple trees through its Lua scripts, `batchSize` trees a
 * call as the runtime batches them: register (init), complete (ack with the same XOR), and take
 * the owner's completions, `LANES` callers at once on one connection. Returns trees per second
 * (each tree costs two Lua calls per batch and a share of one LPOP).
 */
export async function measureAcker(
  redis: Redis,
  topology: string,
  runtime: Pick<RuntimeOptions, 'batchSize' | 'messageTimeoutMs'>,
  count: number,
): Promise<number> {
  const acker = new RedisAcker(redis, runtimeKeys(topology), Math.max(runtime.messageTimeoutMs * 2, 60_000));
  const owner = `bench-${rootId()}`;
  const trees = Array.from({ length: count }, () => ({ root: rootId(), xor: rootId() }));
  const seconds = await sendBatchesInFlight(trees, { batchSize: runtime.batchSize, inFlight: LANES }, async (batch) => {
    await acker.init(batch.map((t) => ({ root: t.root, owner, xor: t.xor })));
    await acker.ack(batch);
    await acker.takeCompletions(owner, batch.length);
  });
  return count / seconds;
}

/**
 * The runtime's BullMQ transport alone: `count` tuples carrying real transaction events, sent
 * `batchSize` a job by the runtime's transport to `QUEUES` task queues and drained by one BullMQ
 * worker per queue (concurrency 1, as the runtime runs a task) that parses each job as the runtime
 * does. Returns tuples per second from the first send to the last job done.
 */
export async function measureQueues(
  connections: Pick<RuntimeConnections, 'bullmq'>,
  topology: string,
  runtime: Pick<RuntimeOptions, 'batchSize'>,
  count: number,
  seed: number,
): Promise<number> {
  const keys = runtimeKeys(topology);
  const tuples: WireTuple[] = (await transactionEvents(count, seed)).map((e) => {
    const id = rootId();
    return {
      id,
      stream: 'default',
      src: 'validate-transactions',
      srcTask: 0,
      values: { txid: e.data.txid, tx: e.data },
      origins: [{ messageId: id, attempt: 0 }],
      roots: [id],
    };
  });
  const component = `bench-${rootId()}`;
  let processed = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const connection = connections.bullmq(`${topology}:bench-queues`);
  const workers = Array.from(
    { length: QUEUES },
    (_, task) =>
      new Worker(
        keys.taskQueue(component, task),
        async (job: Job) => {
          processed += TupleBatchSchema.parse(job.data).tuples.length;
          if (processed >= count) resolveDone();
        },
        { connection, prefix: keys.queuePrefix, concurrency: 1, maxStalledCount: 0, autorun: true },
      ),
  );
  const transport = new BullmqTransport(connection, keys);
  try {
    await Promise.all(workers.map((w) => w.waitUntilReady()));
    const started = performance.now();
    await sendBatchesInFlight(tuples, { batchSize: runtime.batchSize, inFlight: LANES }, (batch, job) =>
      transport.send({ component, task: job % QUEUES }, batch),
    );
    await withTimeout(done, DRAIN_TIMEOUT_MS, `draining ${count} tuples from the task queues`);
    return count / ((performance.now() - started) / 1000);
  } finally {
    await transport.close();
    await Promise.all(workers.map((w) => w.close()));
  }
}
