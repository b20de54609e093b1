import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockEventSchema } from '../../../pipeline/contracts/block-event.js';
import { decodeJson } from '../../../pipeline/contracts/envelope.js';
import { PriceEventSchema } from '../../../pipeline/contracts/price-event.js';
import { DeadLetterSchema, createLogger } from '../../../pipeline/runtime/index.js';
import { FaultSchema } from '../../../producers/feed-server/fault-plan.js';
import { FeedServer, feedServerEnv } from '../../../producers/feed-server/feed-server.js';
import { RecordedFeedData } from '../../../producers/feed-server/recorded-feed-data.js';
import { waitFor } from '../../support/wait-for.js';
import { rawHeights, SAMPLE_DIR } from '../../unit/producers/recorded-data.js';
import { deleteNamespaceKeys, freshNamespace, TestTopics } from './kafka-helpers.js';
import { ProducerProcess } from './producer-process.js';

const log = createLogger({ name: 'test-feed-faults', level: 'warn' });
const HTTP_RETRIES = 3;
const RETRY_AFTER_SECONDS = 1;

describe('producers against a feed server that fails (5xx, timeouts, 429, malformed bodies)', () => {
  const namespace = freshNamespace('itfault');
  let server: FeedServer;
  let data: RecordedFeedData;
  let topics: TestTopics;
  let env: Record<string, string>;
  const processes: ProducerProcess[] = [];

  beforeAll(async () => {
    data = await RecordedFeedData.load(SAMPLE_DIR);
    server = new FeedServer(data, log, { hangMs: 30_000 });
    const baseUrl = await server.listen(0);
    env = {
      ...feedServerEnv(baseUrl),
      NAMESPACE: namespace,
      FEED_BLOCKS_START_HEIGHT: '0',
      FEED_PRICES_START_TIME: '0',
      POLL_BLOCKS_MS: '500',
      POLL_PRICES_MS: '500',
      HTTP_TIMEOUT_MS: '1000',
      HTTP_RETRIES: String(HTTP_RETRIES),
      BACKOFF_BASE_MS: '50',
      BACKOFF_MAX_MS: '2000',
    };
    topics = new TestTopics(namespace, env);
    await topics.create();
  });

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await server?.close();
    await deleteNamespaceKeys(topics.config, namespace);
    await topics?.destroy();
  });

  it('retries and logs, dead-letters malformed bodies with the reason, stays up and publishes the good data', async () => {
    const tip = data.tip();
    expect(tip).toBeDefined();
    // Taken in this order by the requests they match.
    const faults = [
      // The first tip request: two 5xx and a hang, each retried within the same request.
      { mode: 'error', count: 2, pathPrefix: '/esplora/blocks/tip/height' },
      { mode: 'timeout', count: 1, pathPrefix: '/esplora/blocks/tip/height' },
      // The first listing fails more often than it is retried: that poll fails, the next one works.
      { mode: 'error', count: HTTP_RETRIES + 1, status: 500, pathPrefix: `/esplora/blocks/${tip?.height}` },
      // The first raw block: a 429 honoured, then a truncated body for the dead-letter topic.
      { mode: 'rate-limit', count: 1, retryAfterSeconds: RETRY_AFTER_SECONDS, pathPrefix: '/esplora/block/' },
      { mode: 'malformed', count: 1, pathPrefix: '/esplora/block/' },
      { mode: 'malformed', count: 1, pathPrefix: '/kraken/' },
      { mode: 'rate-limit', count: 1, retryAfterSeconds: RETRY_AFTER_SECONDS, pathPrefix: '/coingecko/' },
    ];
    for (const f of faults) server.faults.add(FaultSchema.parse(f));

    const blocksProducer = new ProducerProcess('blocks', env);
    const pricesProducer = new ProducerProcess('prices', env);
    processes.push(blocksProducer, pricesProducer);
    const n = topics.names;
    const heights = rawHeights(SAMPLE_DIR);
    const txTotal = data.blocks.reduce((s, b) => s + b.txCount, 0);
    const pricePoints = data.hourlyPrices.length + data.otherPrices.length;
    await waitFor(
      async () =>
        (await topics.count(n.topics.blocks)) >= heights.length &&
        (await topics.count(n.topics.transactions)) >= txTotal &&
        (await topics.count(n.topics.prices)) >= pricePoints,
      { timeoutMs: 120_000, what: 'every sample event' },
    );

    // Every fault was served, and each was retried and logged where it was handled.
    expect(server.stats().faultsServed).toEqual({ error: 2 + HTTP_RETRIES + 1, timeout: 1, 'rate-limit': 2, malformed: 2 });
    expect(server.stats().faultsPending).toBe(0);
    const retries = [...blocksProducer.logged('feed request failed; retrying'), ...pricesProducer.logged('feed request failed; retrying')];
    const kinds = (kind: string) => retries.filter((l) => l.kind === kind);
    expect(kinds('server-error').length).toBeGreaterThanOrEqual(2 + HTTP_RETRIES);
    expect(kinds('timeout')).toHaveLength(1);
    expect(kinds('rate-limited')).toHaveLength(2);
    for (const l of kinds('rate-limited')) expect(l.delayMs as number).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 1000);
    const failedPolls = blocksProducer.logged('poll failed');
    expect(failedPolls).toHaveLength(1);
    expect(failedPolls[0]?.err).toMatchObject({ type: 'FeedRequestError', kind: 'server-error', status: 500, attempts: HTTP_RETRIES + 1 });

    // Malformed bodies are in the dead-letter topics, with the reason.
    const blockLetters = (await topics.readAll(n.deadLetter.blocks)).map((r) => DeadLetterSchema.parse(JSON.parse(r.value)));
    expect(blockLetters).toHaveLength(1);
    expect(blockLetters[0]).toMatchObject({
      reason: 'malformed feed response',
      component: 'producer-blocks',
      origin: { topic: n.topics.blocks, key: `/block/${data.blocks[0]?.hash}/raw` },
      error: { name: 'MalformedResponseError', retriable: false },
    });
    const priceLetters = (await topics.readAll(n.deadLetter.prices)).map((r) => DeadLetterSchema.parse(JSON.parse(r.value)));
    expect(priceLetters).toHaveLength(1);
    expect(priceLetters[0]).toMatchObject({ reason: 'malformed feed response', component: 'producer-prices', origin: { topic: n.topics.prices } });
    expect(priceLetters[0]?.origin.key).toMatch(/^\/0\/public\/OHLC\?/);

    // Both processes are still up, and the good data went out once each.
    expect(blocksProducer.alive()).toBe(true);
    expect(pricesProducer.alive()).toBe(true);
    const blocks = await topics.readAll(n.topics.blocks);
    expect(blocks.map((r) => decodeJson('block', BlockEventSchema, r.value).data.height).sort((a, b) => a - b)).toEqual(heights);
    expect(await topics.count(n.topics.transactions)).toBe(txTotal);
    const prices = await topics.readAll(n.topics.prices);
    expect(new Set(prices.map((r) => decodeJson('price', PriceEventSchema, r.value).data.time)).size).toBe(pricePoints);
  });
});
