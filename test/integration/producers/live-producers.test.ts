import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockEventSchema } from '../../../pipeline/contracts/block-event.js';
import { decodeJson } from '../../../pipeline/contracts/envelope.js';
import { PriceEventSchema } from '../../../pipeline/contracts/price-event.js';
import { TransactionEventSchema } from '../../../pipeline/contracts/transaction-event.js';
import { systemClock } from '../../../pipeline/runtime/index.js';
import { createLogger } from '../../../pipeline/runtime/index.js';
import { FeedServer, feedServerEnv } from '../../../producers/feed-server/feed-server.js';
import { RecordedFeedData } from '../../../producers/feed-server/recorded-feed-data.js';
import { startProducer, type RunningProducer } from '../../../producers/producer-app.js';
import { waitFor } from '../../support/wait-for.js';
import { deleteNamespaceKeys, freshNamespace, TestTopics } from './kafka-helpers.js';

const SHARED = resolve(import.meta.dirname, '../../../../shared/data');
const log = createLogger({ name: 'test-live-producers', level: 'warn' });

describe('live producers against the feed server on ../shared/data', () => {
  const namespace = freshNamespace('itprod');
  let server: FeedServer;
  let topics: TestTopics;
  const running: RunningProducer[] = [];

  beforeAll(async () => {
    expect(existsSync(SHARED), '../shared/data must exist for the acceptance test').toBe(true);
    server = new FeedServer(await RecordedFeedData.load(SHARED), log);
    const baseUrl = await server.listen(0);
    topics = new TestTopics(namespace, {
      ...feedServerEnv(baseUrl),
      FEED_BLOCKS_START_HEIGHT: '0',
      FEED_PRICES_START_TIME: '0',
      POLL_BLOCKS_MS: '500',
      POLL_PRICES_MS: '500',
      POLL_MEMPOOL_MS: '500',
    });
    await topics.create();
  });

  afterAll(async () => {
    for (const p of running) await p.stop();
    await server?.close();
    await deleteNamespaceKeys(topics.config, namespace);
    await topics?.destroy();
  });

  it('publishes exactly 17 blocks, 15,617 transactions and 303 prices, each valid', async () => {
    running.push(await startProducer('blocks', topics.config, log, systemClock));
    running.push(await startProducer('prices', topics.config, log, systemClock));
    const n = topics.names;
    await waitFor(async () => (await topics.count(n.topics.blocks)) >= 17 && (await topics.count(n.topics.prices)) >= 303, {
      timeoutMs: 170_000,
      what: 'all events',
    });
    // Further polls must add nothing: wait until the block poller has polled again past the tip.
    const tipPolls = () => server.stats().requests['/esplora/blocks/tip/height'] ?? 0;
    const seen = tipPolls();
    await waitFor(() => tipPolls() >= seen + 3, { timeoutMs: 30_000, what: 'three more block polls' });

    const blocks = await topics.readAll(n.topics.blocks);
    const txs = await topics.readAll(n.topics.transactions);
    const prices = await topics.readAll(n.topics.prices);
    expect(blocks).toHaveLength(17);
    expect(new Set(blocks.map((m) => m.key)).size).toBe(17);
    expect(txs).toHaveLength(15_617);
    expect(new Set(txs.map((m) => m.key)).size).toBe(15_617);
    expect(prices).toHaveLength(303);
    for (const m of blocks) expect(decodeJson('block', BlockEventSchema, m.value).data.hash).toBe(m.key);
    for (const m of txs) expect((decodeJson('tx', TransactionEventSchema, m.value).data as { txid: string }).txid).toBe(m.key);
    const times = prices.map((m) => decodeJson('price', PriceEventSchema, m.value).data.time);
    expect(new Set(times).size).toBe(303);
    expect(await topics.count(n.deadLetter.blocks)).toBe(0);
  });

  it('publishes unconfirmed transactions once each', async () => {
    const producer = await startProducer('mempool', topics.config, log, systemClock);
    running.push(producer);
    const n = topics.names;
    await waitFor(async () => (await topics.count(n.topics.transactions)) >= 15_617 + 30, { timeoutMs: 60_000, what: 'mempool events' });
    const txs = await topics.readAll(n.topics.transactions);
    const unconfirmed = txs.filter((m) => decodeJson('tx', TransactionEventSchema, m.value).data.status === 'unconfirmed');
    expect(unconfirmed.length).toBeGreaterThanOrEqual(30);
    expect(new Set(unconfirmed.map((m) => m.key)).size).toBe(unconfirmed.length);
  });
});
