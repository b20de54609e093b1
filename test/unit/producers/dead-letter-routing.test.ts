import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockEventSchema } from '../../../pipeline/contracts/block-event.js';
import { names } from '../../../pipeline/contracts/names.js';
import { PriceEventSchema } from '../../../pipeline/contracts/price-event.js';
import { TransactionEventSchema } from '../../../pipeline/contracts/transaction-event.js';
import { DeadLetterSchema } from '../../../pipeline/runtime/index.js';
import { createLogger } from '../../../pipeline/runtime/index.js';
import { decodeBlock } from '../../../producers/block-decoder.js';
import { EventBuilder } from '../../../producers/event-builder.js';
import { EventPublisher } from '../../../producers/event-publisher.js';
import { FeedRequestError, MalformedResponseError } from '../../../producers/feed-errors.js';
import { MempoolFeed } from '../../../producers/mempool-feed.js';
import { MemoryPriceCursorStore, PriceFeed } from '../../../producers/price-feed.js';
import type { PriceProvider } from '../../../producers/price-provider.js';
import { ProducerMetrics } from '../../../producers/producer-metrics.js';
import { FakeClock } from '../../../pipeline/runtime/testing/index.js';
import { memorySeenSet } from '../../support/memory-seen-set.js';
import { MemorySink } from './memory-sink.js';
import { fixedJson } from './recorded-api-getter.js';
import { rawBlockHex, rawHeights, SAMPLE_DIR, SHARED_DIR } from './recorded-data.js';

const n = names('unit');
const NOW = Date.UTC(2026, 4, 30, 12);

function setup(component = 'producer-test') {
  const clock = new FakeClock(NOW);
  const sink = new MemorySink();
  const metrics = new ProducerMetrics();
  const log = createLogger({ name: 'test', level: 'silent' });
  const publisher = new EventPublisher({ sink, names: n, component, clock, log, metrics });
  const builder = new EventBuilder({ producerId: component, source: 'test', clock });
  return { clock, sink, metrics, log, publisher, builder };
}

const letters = (sink: MemorySink, topic: string) => sink.on(topic).map((r) => ({ key: r.key, letter: DeadLetterSchema.parse(r.value) }));
const sampleBlock = decodeBlock(rawBlockHex(SAMPLE_DIR, rawHeights(SAMPLE_DIR)[0] as number), { height: rawHeights(SAMPLE_DIR)[0] as number });

describe('EventPublisher: invalid events go to the dead-letter topic, never to a raw topic', () => {
  const { block, transactions } = new EventBuilder({ producerId: 'p', source: 's', clock: new FakeClock(NOW) }).blockEvents(sampleBlock);
  const tx = transactions[1] as (typeof transactions)[number];
  const price = new EventBuilder({ producerId: 'p', source: 's', clock: new FakeClock(NOW) }).price({
    pair: 'BTC-EUR',
    time: 1_633_129_200,
    price_eur: 41_379.54,
    source: 'kraken_xbteur_1h_close',
  });
  const cases = [
    {
      feed: 'transactions',
      name: 'an output total that is not the sum of the outputs',
      event: { ...tx, data: { ...tx.data, output_total_sat: 1 } },
      key: tx.data.txid,
    },
    { feed: 'transactions', name: 'a txid that is not 64 hex digits', event: { ...tx, data: { ...tx.data, txid: 'not-a-txid' } }, key: 'not-a-txid' },
    { feed: 'transactions', name: 'an event time with a zone offset', event: { ...tx, event_time: '2012-03-03T09:00:00+09:00' }, key: tx.data.txid },
    { feed: 'blocks', name: 'a block without hash', event: { ...block, data: { ...block.data, hash: undefined } }, key: null },
    { feed: 'blocks', name: 'an unknown schema version', event: { ...block, schema_version: 3 }, key: block.data.hash },
    { feed: 'prices', name: 'a negative price', event: { ...price, data: { ...price.data, price_eur: -1 } }, key: 'BTC-EUR' },
    { feed: 'prices', name: 'a payload that is not an event', event: 'garbage', key: null },
  ] as const;
  const valid = { transactions: tx, blocks: block, prices: price } as const;
  const schemas = { transactions: TransactionEventSchema, blocks: BlockEventSchema, prices: PriceEventSchema } as const;

  for (const c of cases) {
    it(`routes ${c.name} to ${c.feed}.dlq with the reason, and the valid events on`, async () => {
      const { sink, metrics, publisher } = setup();
      expect(await publisher.publish(c.feed, [valid[c.feed], c.event])).toBe(1);
      const raw = sink.on(n.topics[c.feed]);
      expect(raw).toHaveLength(1);
      for (const r of raw) schemas[c.feed].parse(r.value);
      const dead = letters(sink, n.deadLetter[c.feed]);
      expect(dead).toHaveLength(1);
      expect(dead[0]?.key).toBe(c.key);
      expect(dead[0]?.letter).toMatchObject({
        reason: 'invalid event',
        component: 'producer-test',
        attempts: 1,
        time: new Date(NOW).toISOString(),
        origin: { topic: n.topics[c.feed], partition: null, offset: null, key: c.key },
        error: { name: 'SchemaError', retriable: false },
        value: JSON.stringify(c.event),
      });
      expect((await metrics.deadLettered.get()).values).toEqual([{ labels: { topic: n.deadLetter[c.feed], reason: 'invalid event' }, value: 1 }]);
    });
  }

  it('writes no dead letter and nothing else for an all-valid batch', async () => {
    const { sink, publisher } = setup();
    expect(await publisher.publish('transactions', transactions)).toBe(transactions.length);
    expect(sink.records.every((r) => r.topic === n.topics.transactions)).toBe(true);
  });
});

describe('MempoolFeed on the recorded mempool.space /mempool/recent sample', () => {
  const sample = JSON.parse(readFileSync(join(SHARED_DIR, 'samples/mempool-space_mempool_recent.json'), 'utf8')) as { data: Record<string, unknown>[] };

  it('publishes each recorded entry once as an unconfirmed transaction, first seen now', async () => {
    const { clock, sink, metrics, publisher, builder } = setup('producer-mempool');
    const feed = new MempoolFeed({ http: fixedJson(sample.data), seen: memorySeenSet(), builder, publisher, clock, metrics });
    expect(sample.data.length).toBeGreaterThan(0);
    expect(await feed.poll()).toBe(sample.data.length);
    const events = sink.on(n.topics.transactions);
    expect(events.map((e) => e.key)).toEqual(sample.data.map((d) => d.txid));
    for (const [i, e] of events.entries()) {
      const d = sample.data[i] as { txid: string; fee: number; vsize: number; value: number };
      expect(TransactionEventSchema.parse(e.value).data).toEqual({
        status: 'unconfirmed',
        txid: d.txid,
        fee_sat: d.fee,
        vsize: d.vsize,
        output_total_sat: d.value,
      });
      expect(e.value.event_time).toBe(new Date(NOW).toISOString());
    }
    sink.clear();
    expect(await feed.poll()).toBe(0);
    expect(sink.records).toEqual([]);
  });

  it('dead-letters an entry that does not validate and publishes the others', async () => {
    const { clock, sink, metrics, publisher, builder } = setup('producer-mempool');
    const broken = { ...sample.data[0], txid: 'zz', vsize: 0 };
    const feed = new MempoolFeed({ http: fixedJson([broken, ...sample.data.slice(1)]), seen: memorySeenSet(), builder, publisher, clock, metrics });
    expect(await feed.poll()).toBe(sample.data.length - 1);
    const dead = letters(sink, n.deadLetter.transactions);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.letter).toMatchObject({ reason: 'invalid event', component: 'producer-mempool', error: { name: 'SchemaError' } });
    expect(sink.on(n.topics.transactions).map((r) => r.key)).not.toContain('zz');
  });

  it('dead-letters a body that is not a list (malformed feed response) and publishes nothing', async () => {
    const { clock, sink, metrics, publisher, builder } = setup('producer-mempool');
    const feed = new MempoolFeed({ http: fixedJson({ message: 'Too Many Requests' }), seen: memorySeenSet(), builder, publisher, clock, metrics });
    expect(await feed.poll()).toBe(0);
    expect(sink.on(n.topics.transactions)).toEqual([]);
    const dead = letters(sink, n.deadLetter.transactions);
    expect(dead.map((d) => d.letter)).toMatchObject([
      {
        reason: 'malformed feed response',
        origin: { key: '/mempool/recent' },
        value: '{"message":"Too Many Requests"}',
        error: { name: 'MalformedResponseError' },
      },
    ]);
  });
});

describe('PriceFeed: a failing provider does not stop the others', () => {
  const point = { pair: 'BTC-EUR' as const, time: 1_633_129_200, price_eur: 41_379.54, source: 'coingecko_simple_price' };
  const provider = (name: string, fetch: PriceProvider['fetchSince']): PriceProvider => ({ name, fetchSince: fetch });

  it('dead-letters a malformed answer, keeps that cursor, and publishes the other provider', async () => {
    const { clock, sink, metrics, log, publisher, builder } = setup('producer-prices');
    const cursors = new MemoryPriceCursorStore();
    const bad = provider('kraken', async () => {
      throw new MalformedResponseError({ feed: 'kraken', path: '/0/public/OHLC?pair=XBTEUR', body: '{"error":[', problem: 'body is not JSON' });
    });
    const good = provider('coingecko', async () => [point]);
    const feed = new PriceFeed({ providers: [bad, good], cursors, builder, publisher, clock, log, metrics, startTimeSec: 0 });
    expect(await feed.poll()).toEqual({ kraken: -1, coingecko: 1 });
    expect(sink.on(n.topics.prices).map((r) => r.value.data)).toEqual([point]);
    expect(letters(sink, n.deadLetter.prices).map((d) => d.letter)).toMatchObject([
      {
        reason: 'malformed feed response',
        component: 'producer-prices',
        origin: { topic: n.topics.prices, key: '/0/public/OHLC?pair=XBTEUR' },
        value: '{"error":[',
      },
    ]);
    expect(await cursors.get('kraken')).toBeNull();
    expect(await cursors.get('coingecko')).toBe(point.time);
  });

  it('counts an unreachable provider without a dead letter', async () => {
    const { clock, sink, metrics, log, publisher, builder } = setup('producer-prices');
    const down = provider('kraken', async () => {
      throw new FeedRequestError({ feed: 'kraken', path: '/0/public/OHLC', kind: 'timeout', status: null, attempts: 6 });
    });
    const feed = new PriceFeed({ providers: [down], cursors: new MemoryPriceCursorStore(), builder, publisher, clock, log, metrics, startTimeSec: 0 });
    expect(await feed.poll()).toEqual({ kraken: -1 });
    expect(sink.records).toEqual([]);
    expect((await metrics.pollFailures.get()).values).toEqual([{ labels: { feed: 'prices-kraken' }, value: 1 }]);
  });
});
