import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import { decodeJson } from '../pipeline/contracts/envelope.js';
import { TransactionEventSchema } from '../pipeline/contracts/transaction-event.js';
import { PipelineError } from '../pipeline/runtime/index.js';
import { beats, type TxCandidate } from '../pipeline/topology/domain/max-transaction.js';
import { utcBuckets } from '../pipeline/topology/domain/utc-buckets.js';
import { BenchNamespace } from './bench-namespace.js';
import { CpuMeter, stackPids } from './cpu-meter.js';
import { bulkIndexDocuments } from './parts/elasticsearch.js';
import { backlogLoad, LoadgenProcess } from './loadgen-process.js';
import { transactionDocument } from './transaction-samples.js';

/** Options of `measureReferenceConsumer`. */
export interface ReferenceRunOptions {
  records: number;
  log: Logger;
  seed: number;
}

/** One backlog drained by the reference consumer. */
export interface ReferenceRun {
  records: number;
  /** Transactions per second from the consumer joining its group until its offsets were committed to the end. */
  rate: number;
  /** Hours of event time the transactions fell in (their count, volume and largest kept in memory). */
  hours: number;
  /** CPU seconds of each kind of process during the drain; this process is `reference-consumer`. */
  cpuSeconds: Record<string, number>;
}

/** The reference consumer validated fewer records than its backlog holds (the figure would be wrong). */
export class ReferenceCountError extends PipelineError {
  constructor(
    readonly expected: number,
    readonly validated: number,
  ) {
    super(`the reference consumer validated ${validated} of the ${expected} records of its backlog`);
  }
}

/** One hour as the reference consumer keeps it in memory. */
interface HourTotals {
  count: number;
  volumeSat: bigint;
  largest: TxCandidate | null;
}

/**
 * The transaction job alone, as the plainest correct consumer does it, for comparison with the
 * pipeline: one process, one consumer group on the raw transactions topic, two partitions' batches
 * at a time. Each record is validated with the event's schema, its `btc-transactions` document
 * rendered (at a fixed price) and written with `_bulk` (external versions, the pipeline's bulk
 * size); the hourly count, volume and largest transaction are kept in memory; a batch's offsets
 * are committed once Elasticsearch has confirmed its documents. No EUR price lookup, blocks,
 * pools, acking, state store or replay: what is left is Kafka, JSON, zod and Elasticsearch.
 *
 * The backlog is published by `npm run loadgen` into a fresh namespace first, as for the
 * pipeline's max-rate run, and the clock runs from the group being joined.
 */
export async function measureReferenceConsumer(options: ReferenceRunOptions): Promise<ReferenceRun> {
  const { log } = options;
  const ns = await BenchNamespace.create({ purpose: 'reference', log });
  try {
    const load = new LoadgenProcess({ env: ns.env, ...backlogLoad(options.records), logFile: ns.logFile('loadgen.log'), seed: options.seed });
    await load.done;
    const topic = ns.names.topics.transactions;
    const ends = new Map((await ns.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
    const expected = [...ends.values()].reduce((a, b) => a + b, 0);
    const hours = new Map<string, HourTotals>();
    const bulkSize = ns.config.analytics.indexBatchSize;
    const consumer = ns.kafka.consumer({ groupId: `${ns.names.namespace}-reference`, maxBytesPerPartition: 1_048_576 });
    const stack = stackPids();
    let cpu: CpuMeter | undefined;
    let joinedAt = 0;
    let validated = 0;
    try {
      consumer.on(consumer.events.GROUP_JOIN, () => {
        if (joinedAt !== 0) return;
        joinedAt = performance.now();
        cpu = new CpuMeter(() => ({ ...stack, 'reference-consumer': [process.pid] }));
        cpu.start();
      });
      await drain(consumer, topic, ends, async (values) => {
        const docs = [];
        for (const value of values) {
          const event = decodeJson('transaction event', TransactionEventSchema, value);
          validated += 1;
          if (event.data.status !== 'confirmed') continue;
          const tx = event.data;
          addToHour(hours, utcBuckets(tx.block_time).hour, {
            txid: tx.txid,
            sats: BigInt(tx.output_total_sat),
            blockHeight: tx.block_height,
            indexInBlock: tx.index_in_block,
          });
          docs.push(transactionDocument(tx));
        }
        for (let i = 0; i < docs.length; i += bulkSize) await bulkIndexDocuments(ns.es, ns.names.indices.transactions, docs.slice(i, i + bulkSize));
      });
      const seconds = (performance.now() - joinedAt) / 1000;
      const cpuSeconds = cpu?.stop() ?? {};
      // At-least-once: a batch delivered again after a rebalance counts twice in memory, never less.
      if (validated < expected) throw new ReferenceCountError(expected, validated);
      log.info(
        { namespace: ns.names.namespace, records: expected, seconds: Math.round(seconds), perSecond: Math.round(expected / seconds), cpuSeconds },
        'reference drained',
      );
      return { records: expected, rate: expected / seconds, hours: hours.size, cpuSeconds };
    } finally {
      cpu?.stop();
      await consumer.disconnect().catch(() => undefined);
    }
  } finally {
    await ns.delete();
  }
}

/** Adds a transaction to its hour's count, volume and largest. */
function addToHour(hours: Map<string, HourTotals>, hour: string, tx: TxCandidate): void {
  const totals = hours.get(hour) ?? { count: 0, volumeSat: 0n, largest: null };
  totals.count += 1;
  totals.volumeSat += tx.sats;
  if (totals.largest === null || beats(tx, totals.largest)) totals.largest = tx;
  hours.set(hour, totals);
}

/**
 * Runs `consumer` on `topic` from the beginning until every partition's committed offset reaches
 * its end in `ends`: each batch's values go to `handle`, and its offsets are committed once
 * `handle` has resolved. Resolves when done; rejects with the first error of `handle` or of the
 * consumer.
 */
async function drain(
  consumer: Consumer,
  topic: string,
  ends: ReadonlyMap<number, number>,
  handle: (values: (Buffer | null)[]) => Promise<void>,
): Promise<void> {
  const remaining = new Set([...ends].filter(([, end]) => end > 0).map(([partition]) => partition));
  if (remaining.size === 0) return;
  let finish: (err?: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = (err) => (err === undefined ? resolve() : reject(err));
  });
  consumer.on(consumer.events.CRASH, (event) => {
    if (event.payload.restart !== true) finish(event.payload.error);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 2,
    eachBatch: async ({ batch, heartbeat }) => {
      if (batch.messages.length === 0) return;
      try {
        await handle(batch.messages.map((m) => m.value));
      } catch (err) {
        finish(err);
        throw err;
      }
      const next = Number(batch.lastOffset()) + 1;
      await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(next) }]);
      await heartbeat();
      if (next >= (ends.get(batch.partition) ?? 0)) {
        remaining.delete(batch.partition);
        if (remaining.size === 0) finish();
      }
    },
  });
  return finished;
}
