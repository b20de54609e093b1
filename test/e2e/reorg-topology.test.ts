import { allDocs } from '../support/ground-truth.js';
import type { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import type { BlockData } from '../../pipeline/contracts/block-event.js';
import { systemClock } from '../../pipeline/runtime/index.js';
import { PoolIdentifier } from '../../pipeline/topology/domain/pool-identifier.js';
import { EventBuilder } from '../../producers/event-builder.js';
import { createKafka } from '../../pipeline/clients/kafka.js';
import { KafkaRecordSink } from '../../producers/kafka-record-sink.js';
import { ProducerMetrics } from '../../producers/producer-metrics.js';
import { EventPublisher } from '../../producers/event-publisher.js';
import { createLogger } from '../../pipeline/runtime/index.js';
import { recount, RECOUNT_INDICES, recountMismatches } from '../support/reorg-recount.js';
import { POOLS_FILE, type ReorgScenario, reorgScenarios, type ScenarioBlock } from '../support/reorg-scenarios.js';
import { type PipelineRun, runPipelineOnData } from '../support/run-pipeline.js';

/**
 * Reorgs through the whole pipeline (Kafka, topology workers, Elasticsearch) on real blocks
 * re-linked into competing branches: each branch is published as the block producer publishes it
 * (each block's transactions, then the block), the run waits until everything is processed, and
 * every document of every index is compared with a recount from the events published. Then the
 * same events are published again: no document changes.
 */

const DATA_DIR = '../shared/data';
const INDICES = RECOUNT_INDICES;
const pools = PoolIdentifier.fromFile(POOLS_FILE, 'address-first');
const poolOf = (b: BlockData) => pools.identify({ scriptHex: b.coinbase_script_hex, outputAddresses: b.coinbase_outputs.map((o) => o.address) }).pool;
const builder = new EventBuilder({ producerId: 'e2e-reorg', source: 'e2e', clock: systemClock });
const log = createLogger({ name: 'e2e-reorg', level: 'warn' });

type Docs = Map<string, { source: Record<string, any>; seqNo: number; version: number }>;
const runs: PipelineRun[] = [];
let es: Client | undefined;

afterAll(async () => {
  await es?.close();
  for (const r of runs) await r.stop();
});

const all = (index: string): Promise<Docs> => allDocs(es as Client, index);

async function snapshot(run: PipelineRun): Promise<Map<string, Docs>> {
  return new Map(await Promise.all(INDICES.map(async (k) => [k, await all(run.names.indices[k])] as const)));
}

async function publishBlocks(publisher: EventPublisher, blocks: readonly ScenarioBlock[]): Promise<number> {
  let n = 0;
  for (const b of blocks) {
    n += await publisher.publish(
      'transactions',
      b.transactions.map((t) => builder.confirmedTransaction(t)),
    );
    n += await publisher.publish('blocks', [builder.block(b.block)]);
  }
  return n;
}

async function publishTo(run: PipelineRun, blocks: readonly ScenarioBlock[]): Promise<void> {
  const sink = new KafkaRecordSink(createKafka(run.config, { clientIdSuffix: 'e2e-reorg' }));
  try {
    await publishBlocks(
      new EventPublisher({ sink, names: run.names, component: 'e2e-reorg', clock: systemClock, log, metrics: new ProducerMetrics() }),
      blocks,
    );
  } finally {
    await sink.close();
  }
}

/** The sources of a snapshot, per index. */
const sources = (snap: Map<string, Docs>) => (index: string) => new Map([...(snap.get(index) as Docs)].map(([id, d]) => [id, d.source]));

/** Documents whose sequence number moved between two snapshots (rewritten), per index. */
function rewritten(before: Map<string, Docs>, after: Map<string, Docs>): Record<string, number> {
  return Object.fromEntries(
    INDICES.map((k) => {
      const was = before.get(k) as Docs;
      return [k, [...(after.get(k) as Docs)].filter(([id, d]) => was.get(id)?.seqNo !== d.seqNo).length];
    }),
  );
}

const expected = (s: ReorgScenario, blocks: readonly ScenarioBlock[]) =>
  recount(
    blocks.map((b) => b.block),
    blocks.flatMap((b) => b.transactions),
    s.prices,
    poolOf,
  );

describe('reorgs through the whole pipeline (real blocks re-linked)', () => {
  const scenarios = reorgScenarios();

  for (const scenario of scenarios.filter((s) => s.name !== 'one-block reorg')) {
    it(`${scenario.name}: after each branch every document matches the recount; publishing again changes nothing`, async () => {
      const [first, ...later] = scenario.steps as [ScenarioBlock[], ...ScenarioBlock[][]];
      const run = await runPipelineOnData({
        dataDir: DATA_DIR,
        namespace: `e2ereorg${Math.random().toString(36).slice(2, 8)}`,
        workers: 1,
        async publish(publisher) {
          const prices = await publisher.publish(
            'prices',
            scenario.prices.map((p) => builder.price(p)),
          );
          const blocks = await publishBlocks(publisher, first);
          return { events: { blocks: first.length, transactions: blocks - first.length, prices }, deadLetters: 0, elapsedMs: 0, eventsPerSecond: 0 };
        },
      });
      runs.push(run);
      es ??= createElasticsearch(run.config);
      let published = [...first];
      let docs = await snapshot(run);
      expect(recountMismatches(sources(docs), expected(scenario, published))).toEqual([]);

      for (const [i, step] of later.entries()) {
        const started = Date.now();
        await publishTo(run, step);
        await run.waitUntilProcessed();
        const appliedMs = Date.now() - started;
        published = [...published, ...step];
        const after = await snapshot(run);
        expect(recountMismatches(sources(after), expected(scenario, published)), `after step ${i + 1}`).toEqual([]);
        process.stdout.write(
          `e2e reorg: ${scenario.name} step ${i + 1} (${step.map((b) => `${b.name}:${b.transactions.length} txs`).join(', ')}): processed ${appliedMs} ms after publishing; documents rewritten ${JSON.stringify(rewritten(docs, after))}\n`,
        );
        docs = after;
      }
      const orphans = [...(docs.get('blocks') as Docs).values()].filter((d) => d.source.orphaned === true);
      expect(orphans.length).toBeGreaterThan(0);

      // Everything again (a replay of the topics' content): no document changes.
      await publishTo(run, published);
      await run.waitUntilProcessed();
      const again = await snapshot(run);
      expect(rewritten(docs, again)).toEqual(Object.fromEntries(INDICES.map((k) => [k, 0])));
    });
  }
});
