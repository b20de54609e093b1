import type { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../pipeline/clients/elasticsearch.js';
import { createKafka } from '../../pipeline/clients/kafka.js';
import { createRedis } from '../../pipeline/clients/redis.js';
import { type BlockData, BlockEventSchema } from '../../pipeline/contracts/block-event.js';
import { decodeJson } from '../../pipeline/contracts/envelope.js';
import { PriceEventSchema } from '../../pipeline/contracts/price-event.js';
import { type ConfirmedTxData, TransactionEventSchema } from '../../pipeline/contracts/transaction-event.js';
import { type ReorgFaultReport, runReorgFault } from '../../ops/demo/reorg-fault.js';
import { processingProgress } from '../../pipeline/topology/processing-progress.js';
import { createLogger } from '../../pipeline/runtime/index.js';
import { PoolIdentifier } from '../../pipeline/topology/domain/pool-identifier.js';
import { FeedServer, feedServerEnv } from '../../producers/feed-server/feed-server.js';
import { RecordedFeedData } from '../../producers/feed-server/recorded-feed-data.js';
import { TestTopics } from '../integration/producers/kafka-helpers.js';
import { ProducerProcess } from '../integration/producers/producer-process.js';
import { SAMPLE_DIR } from '../unit/producers/recorded-data.js';
import { recount, RECOUNT_INDICES, recountMismatches } from '../support/reorg-recount.js';
import { type PipelineRun, runPipelineOnData } from '../support/run-pipeline.js';
import { waitFor } from '../support/wait-for.js';

/**
 * The `reorg` fault on a running pipeline: the real producers poll a feed server on the shipped
 * sample; as soon as the tip is published (the topology still at work) the feed server switches its tip to a competing block
 * (same block with 10 transactions left out and more work); the fault's own checks must find
 * nothing wrong, and every document must match a recount from the raw topics' content.
 */

const log = createLogger({ name: 'e2e-reorg-fault', level: 'warn' });
let server: FeedServer | undefined;
let run: PipelineRun | undefined;
let es: Client | undefined;
const producers: ProducerProcess[] = [];

afterAll(async () => {
  for (const p of producers) await p.stop();
  await server?.close();
  await es?.close();
  await run?.stop();
});

describe('npm run fault -- reorg (feed server switches its tip mid-run)', () => {
  it('orphans the old tip, moves its transactions, unconfirms the dropped ones; every document matches the raw topics', async () => {
    const data = await RecordedFeedData.load(SAMPLE_DIR);
    server = new FeedServer(data, log);
    const feedUrl = await server.listen(0);
    const env = { ...feedServerEnv(feedUrl), FEED_BLOCKS_START_HEIGHT: '0', FEED_PRICES_START_TIME: '0', POLL_BLOCKS_MS: '1000', POLL_PRICES_MS: '1000' };
    const namespace = `e2efault${Math.random().toString(36).slice(2, 8)}`;
    let report: ReorgFaultReport | undefined;
    run = await runPipelineOnData({
      dataDir: SAMPLE_DIR,
      namespace,
      workers: 1,
      publish: async () => ({ events: { blocks: 0, transactions: 0, prices: 0 }, deadLetters: 0, elapsedMs: 0, eventsPerSecond: 0 }),
      afterPublish: async (r) => {
        for (const feed of ['blocks', 'prices'] as const) producers.push(new ProducerProcess(feed, { ...env, NAMESPACE: r.namespace }));
        es = createElasticsearch(r.config);
        const admin = createKafka(r.config, { clientIdSuffix: 'e2e-fault' }).admin();
        await admin.connect();
        const redis = createRedis(r.config);
        try {
          // The fault goes in as soon as the producer has published the tip, while the topology is still at work.
          await waitFor(async () => (await admin.fetchTopicOffsets(r.names.topics.blocks)).reduce((n, o) => n + Number(o.high), 0) >= data.blocks.length, {
            timeoutMs: 300_000,
            what: 'every served block published',
          });
          const progress = await processingProgress(admin, redis, r.names);
          process.stdout.write(`e2e reorg fault: injected with ${progress.lag} records not yet processed\n`);
          report = await runReorgFault({ admin, redis, names: r.names, log, es, feedUrl, dropTransactions: 10, deadlineMs: Date.now() + 300_000 });
        } finally {
          await admin.disconnect();
          redis.disconnect();
        }
      },
    });
    const pipeline = run;
    if (report === undefined) throw new Error('the fault did not run');
    process.stdout.write(
      `e2e reorg fault: ${JSON.stringify({ ...report.reorg, dropped: report.reorg.dropped.length, appliedMs: report.appliedMs, checked: report.checked })}\n`,
    );
    expect(report.problems).toEqual([]);
    expect(report.reorg.dropped).toHaveLength(10);
    expect(report.checked).toBeGreaterThan(10);

    // The independent check: recount from what the raw topics hold.
    const topics = new TestTopics(namespace);
    await topics.connect();
    try {
      const blocks = (await topics.readAll(pipeline.names.topics.blocks)).map((m) => decodeJson('block event', BlockEventSchema, m.value).data as BlockData);
      const txs = (await topics.readAll(pipeline.names.topics.transactions))
        .map((m) => decodeJson('transaction event', TransactionEventSchema, m.value).data)
        .filter((t): t is ConfirmedTxData => t.status === 'confirmed');
      const prices = (await topics.readAll(pipeline.names.topics.prices)).map((m) => decodeJson('price event', PriceEventSchema, m.value).data);
      const pools = PoolIdentifier.fromFile(`${SAMPLE_DIR}/pools/pools-v2.json`, 'address-first');
      const want = recount(
        [...new Map(blocks.map((b) => [b.hash, b])).values()],
        txs,
        prices,
        (b) => pools.identify({ scriptHex: b.coinbase_script_hex, outputAddresses: b.coinbase_outputs.map((o) => o.address) }).pool,
      );
      const client = es as Client;
      const got = new Map<string, Map<string, Record<string, unknown>>>();
      for (const key of RECOUNT_INDICES) {
        const index = pipeline.names.indices[key];
        await client.indices.refresh({ index });
        got.set(
          key,
          new Map(
            (await client.search<Record<string, unknown>>({ index, size: 10_000, query: { match_all: {} } })).hits.hits.map((h) => [
              h._id as string,
              h._source as Record<string, unknown>,
            ]),
          ),
        );
      }
      expect(recountMismatches((key) => got.get(key) ?? new Map(), want)).toEqual([]);
      expect([...want.blocks.values()].filter((b) => b.orphaned)).toHaveLength(1);
    } finally {
      await topics.close();
    }
  });
});
