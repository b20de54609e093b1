import type { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { createKafka } from '../../pipeline/clients/kafka.js';
import { RAW_FEEDS } from '../../pipeline/contracts/names.js';
import { DeadLetterSchema } from '../../pipeline/runtime/index.js';
import { allDocs, expectBlocks, expectHours, expectPools, expectTransactionsAndPrices, readGroundTruth } from '../support/ground-truth.js';
import { type PipelineRun, runPipelineOnData } from '../support/run-pipeline.js';

/**
 * The whole pipeline (producers' replay -> Kafka -> topology workers -> Elasticsearch) on the
 * recorded data, in a fresh namespace, with a garbage record in each raw topic and one worker
 * killed with SIGKILL mid-stream, gives exactly ../shared/data/expected; publishing the same data
 * again changes no document.
 */

const DATA_DIR = '../shared/data';
const truth = readGroundTruth(DATA_DIR);

const namespace = `e2e${Math.random().toString(36).slice(2, 8)}`;
const GARBAGE = ['this is not json', '{"kind":"block","schema_version":1}', '{"kind":"price","schema_version":1,"data":{"pair":"BTC-EUR"}}'];
let run: PipelineRun;
let es: Client;
let killedPid: number | undefined;

const all = (index: string) => allDocs(es, index);

beforeAll(async () => {
  run = await runPipelineOnData({
    dataDir: DATA_DIR,
    namespace,
    workers: 2,
    async afterPublish(r) {
      // Garbage by hand in each raw topic.
      const producer = createKafka(r.config, { clientIdSuffix: 'e2e-garbage' }).producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      for (const [i, feed] of RAW_FEEDS.entries()) {
        await producer.send({ topic: r.names.topics[feed], acks: -1, messages: [{ key: `garbage-${feed}`, value: GARBAGE[i] as string }] });
      }
      await producer.disconnect();
      // SIGKILL one worker mid-stream, once some records are done, and start a replacement.
      const admin = createKafka(r.config, { clientIdSuffix: 'e2e-watch' }).admin();
      await admin.connect();
      try {
        const deadline = Date.now() + 120_000;
        for (;;) {
          const [committed] = await admin
            .fetchOffsets({ groupId: `${r.names.topology}.transactions`, topics: [r.names.topics.transactions] })
            .catch((err: { retriable?: boolean }) => {
              if (err.retriable !== true) throw err;
              return [];
            });
          const done = (committed?.partitions ?? []).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
          if (done > 0 || Date.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } finally {
        await admin.disconnect();
      }
      const victim = r.workers[0];
      killedPid = victim?.pid;
      victim?.kill('SIGKILL');
      r.startWorker();
    },
  });
  es = createElasticsearch(run.config);
  process.stdout.write(`e2e: ${JSON.stringify(run.replay.events)} published; processed after ${run.processedAfterMs} ms\n`);
});

afterAll(async () => {
  await es?.close();
  await run?.stop();
});

describe('analytics topology on the recorded data', () => {
  it('killed a worker mid-stream', () => {
    expect(killedPid).toBeGreaterThan(0);
    expect(run.workers[0]?.signalCode).toBe('SIGKILL');
  });

  it('indexes every block with its pool, reward and fees', () => expectBlocks(es, run.names, truth));

  it('indexes every transaction and every price point', () => expectTransactionsAndPrices(es, run.names, truth));

  it('gives every hour its count, volume and largest transaction', () => expectHours(es, run.names, truth));

  it.each(['day', 'month'] as const)('gives every pool its %s reward', (period) => expectPools(es, run.names, truth, period));

  it('dead-letters the garbage record of each raw topic with a reason', async () => {
    const consumer = createKafka(run.config, { clientIdSuffix: 'e2e-dlq' }).consumer({ groupId: `${namespace}-dlq-check` });
    await consumer.connect();
    const seen = new Map<string, string>();
    for (const feed of RAW_FEEDS) await consumer.subscribe({ topic: run.names.deadLetter[feed], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dead letters seen: ${[...seen.keys()].join(', ')}`)), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const letter = DeadLetterSchema.parse(JSON.parse(message.value?.toString('utf8') ?? 'null'));
          if (letter.origin.key?.startsWith('garbage-')) seen.set(letter.origin.key, `${letter.reason}: ${letter.error.name}: ${letter.error.message}`);
          if (seen.size === RAW_FEEDS.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    for (const feed of RAW_FEEDS) expect(seen.get(`garbage-${feed}`)).toMatch(/SchemaError: invalid (block|transaction|price) event: /);
  });

  it('changes no document when the same data is published again', async () => {
    const indices = Object.values(run.names.indices);
    const before = new Map<string, Map<string, { seqNo: number; version: number }>>();
    for (const index of indices) before.set(index, await all(index));
    const again = await runAgain(run);
    expect(again.events.transactions).toBeGreaterThan(0);
    await run.waitUntilProcessed();
    for (const index of indices) {
      const after = await all(index);
      const was = before.get(index) as Map<string, { seqNo: number; version: number }>;
      expect(after.size, index).toBe(was.size);
      for (const [id, d] of after) expect({ id, seqNo: d.seqNo, version: d.version }).toEqual({ id, seqNo: was.get(id)?.seqNo, version: was.get(id)?.version });
    }
  });
});

async function runAgain(r: PipelineRun) {
  const { replay } = await import('../../producers/replay.js');
  const { EventPublisher } = await import('../../producers/event-publisher.js');
  const { KafkaRecordSink } = await import('../../producers/kafka-record-sink.js');
  const { ProducerMetrics } = await import('../../producers/producer-metrics.js');
  const { systemClock, createLogger } = await import('../../pipeline/runtime/index.js');
  const log = createLogger({ name: 'e2e-replay-again', level: 'warn' });
  const sink = new KafkaRecordSink(createKafka(r.config, { clientIdSuffix: 'e2e-again' }));
  try {
    const publisher = new EventPublisher({ sink, names: r.names, component: 'replay', clock: systemClock, log, metrics: new ProducerMetrics() });
    return await replay({ dir: DATA_DIR, publisher, clock: systemClock, log, rate: null });
  } finally {
    await sink.close();
  }
}
