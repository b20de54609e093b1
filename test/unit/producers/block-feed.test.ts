import { describe, expect, it } from 'vitest';
import { names } from '../../../pipeline/contracts/names.js';
import { DeadLetterSchema } from '../../../pipeline/runtime/index.js';
import { RetriableError } from '../../../pipeline/runtime/index.js';
import { createLogger } from '../../../pipeline/runtime/index.js';
import { MemoryBlockChainStore } from '../../../producers/block-chain-store.js';
import { BlockFeed } from '../../../producers/block-feed.js';
import { BIP34_HEIGHT } from '../../../producers/coinbase-height.js';
import { EsploraClient } from '../../../producers/esplora-client.js';
import { EventBuilder } from '../../../producers/event-builder.js';
import { EventPublisher } from '../../../producers/event-publisher.js';
import { ProducerMetrics } from '../../../producers/producer-metrics.js';
import { buildChain, FakeEsplora, type ChainBlock } from './fake-esplora.js';
import { FakeClock } from '../../../pipeline/runtime/testing/index.js';
import { MemorySink } from './memory-sink.js';
import { rawBlockHex, rawHeights, SAMPLE_DIR } from './recorded-data.js';

const n = names('unit');
// Real blocks from before BIP34: their coinbase does not pin a height, so they can sit anywhere.
const TEMPLATES = rawHeights(SAMPLE_DIR)
  .filter((h) => h < BIP34_HEIGHT)
  .map((h) => rawBlockHex(SAMPLE_DIR, h));
const heightsFrom = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);

function setup() {
  const clock = new FakeClock(Date.UTC(2026, 4, 30));
  const esplora = new FakeEsplora();
  const sink = new MemorySink();
  const store = new MemoryBlockChainStore();
  const log = createLogger({ name: 'test', level: 'silent' });
  const publisher = new EventPublisher({ sink, names: n, component: 'producer-blocks', clock, log, metrics: new ProducerMetrics() });
  const feed = new BlockFeed({
    esplora: new EsploraClient(esplora),
    store,
    builder: new EventBuilder({ producerId: 'producer-blocks', source: 'esplora', clock }),
    publisher,
    log,
    startHeight: 1_000,
  });
  /** Block records sent since the last `clear`, as [height, hash]. */
  const blocks = () => sink.on(n.topics.blocks).map((r) => [r.value.data.height, r.key]);
  return { esplora, sink, store, feed, blocks };
}

const pairs = (chain: readonly ChainBlock[]) => chain.map((b) => [b.height, b.hash]);

describe('BlockFeed', () => {
  it('uses at least two real pre-BIP34 sample blocks as templates', () => {
    expect(TEMPLATES.length).toBeGreaterThanOrEqual(2);
  });

  it('publishes every block above the cursor in height order, each after its transactions', async () => {
    const { esplora, sink, store, feed, blocks } = setup();
    const chain = buildChain(TEMPLATES, null, heightsFrom(1_000, 3), 0);
    esplora.setChain(chain);
    expect(await feed.poll()).toMatchObject({ reorgFrom: null });
    expect(blocks()).toEqual(pairs(chain));
    // Each block record follows all the transactions of that block.
    let txsSinceBlock: unknown[] = [];
    for (const r of sink.records) {
      const value = JSON.parse(r.value) as { kind: string; data: { block_hash?: string; tx_count?: number; hash?: string } };
      if (value.kind === 'transaction') txsSinceBlock.push(value.data.block_hash);
      else {
        expect(txsSinceBlock).toEqual(Array(value.data.tx_count).fill(value.data.hash));
        txsSinceBlock = [];
      }
    }
    expect(await store.cursor()).toEqual({ height: 1_002, hash: chain[2]?.hash });

    // The tip moves on by two blocks: only those two go out, in order.
    sink.clear();
    const more = buildChain(TEMPLATES, chain[2] as ChainBlock, [1_003, 1_004], 0);
    esplora.setChain([...chain, ...more]);
    await feed.poll();
    expect(blocks()).toEqual(pairs(more));

    // Nothing new: nothing published.
    sink.clear();
    expect(await feed.poll()).toEqual({ published: 0, reorgFrom: null });
    expect(sink.records).toEqual([]);
  });

  const reorgs = [
    { name: 'the tip replaced by two blocks', length: 3, forkAt: 1_002, newTip: 1_003 },
    { name: 'three blocks replaced by three', length: 4, forkAt: 1_001, newTip: 1_003 },
    { name: 'a longer chain from the first block on', length: 2, forkAt: 1_000, newTip: 1_004 },
  ];
  for (const r of reorgs) {
    it(`after a reorg (${r.name}) republishes from the fork point, keyed on the new hashes`, async () => {
      const { esplora, sink, store, feed, blocks } = setup();
      const old = buildChain(TEMPLATES, null, heightsFrom(1_000, r.length), 0);
      esplora.setChain(old);
      await feed.poll();
      sink.clear();

      const kept = old.filter((b) => b.height < r.forkAt);
      const replacement = buildChain(TEMPLATES, kept.at(-1) ?? null, heightsFrom(r.forkAt, r.newTip - r.forkAt + 1), 1);
      esplora.setChain([...kept, ...replacement]);
      expect(await feed.poll()).toMatchObject({ reorgFrom: r.forkAt });

      // Exactly the replacement blocks, in height order, none of the common ones.
      expect(blocks()).toEqual(pairs(replacement));
      const oldHashes = new Set(old.map((b) => b.hash));
      for (const b of replacement) expect(oldHashes.has(b.hash)).toBe(false);
      // Their transactions were republished under the new block hashes.
      const txBlockHashes = new Set(sink.on(n.topics.transactions).map((t) => t.value.data.block_hash));
      expect(txBlockHashes).toEqual(new Set(replacement.map((b) => b.hash)));
      expect(await store.cursor()).toEqual({ height: r.newTip, hash: replacement.at(-1)?.hash });
      for (const b of [...kept, ...replacement]) expect(await store.hashAt(b.height)).toBe(b.hash);

      // The next poll sees no reorg and publishes nothing.
      sink.clear();
      expect(await feed.poll()).toEqual({ published: 0, reorgFrom: null });
    });
  }

  it('fails a poll whose listing breaks (the chain moved under it) and publishes nothing', async () => {
    const { esplora, sink, feed } = setup();
    const a = buildChain(TEMPLATES, null, heightsFrom(1_000, 2), 0);
    const b = buildChain(TEMPLATES, null, [1_002], 5);
    esplora.setChain([...a, ...b]);
    await expect(feed.poll()).rejects.toBeInstanceOf(RetriableError);
    expect(sink.records.filter((r) => r.topic === n.topics.blocks)).toHaveLength(0);
  });

  it('republishes the same keys when a poll dies before the cursor moved (at least once, nothing skipped)', async () => {
    const { esplora, sink, store, feed } = setup();
    const chain = buildChain(TEMPLATES, null, heightsFrom(1_000, 2), 0);
    esplora.setChain(chain);
    sink.failNext(n.topics.blocks, new RetriableError('broker gone'));
    await expect(feed.poll()).rejects.toThrow('broker gone');
    expect(await store.cursor()).toBeNull();
    const firstTxKeys = sink.on(n.topics.transactions).map((r) => r.key);
    expect(firstTxKeys.length).toBeGreaterThan(0);

    sink.clear();
    await feed.poll();
    expect(sink.on(n.topics.blocks).map((r) => r.key)).toEqual(chain.map((b) => b.hash));
    const secondTxKeys = sink.on(n.topics.transactions).map((r) => r.key);
    expect(secondTxKeys.slice(0, firstTxKeys.length)).toEqual(firstTxKeys);
  });

  const damages: { name: string; bytes: (b: ChainBlock) => Buffer; problem: RegExp }[] = [
    { name: 'a truncated raw block', bytes: (b) => b.raw.subarray(0, b.raw.length >> 1), problem: /raw block/ },
    { name: 'another block than asked for', bytes: () => Buffer.from(TEMPLATES[0] as string, 'hex'), problem: /hashes to/ },
  ];
  for (const d of damages) {
    it(`sends ${d.name} to the blocks dead-letter topic with the reason, and asks again next poll`, async () => {
      const { esplora, sink, store, feed, blocks } = setup();
      const chain = buildChain(TEMPLATES, null, heightsFrom(1_000, 2), 3);
      esplora.setChain(chain);
      const victim = chain[1] as ChainBlock;
      esplora.damage(victim.hash, d.bytes(victim));
      await feed.poll();
      expect(blocks()).toEqual(pairs(chain.slice(0, 1)));
      const letters = sink.on(n.deadLetter.blocks).map((r) => DeadLetterSchema.parse(r.value));
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({
        reason: 'malformed feed response',
        component: 'producer-blocks',
        origin: { topic: n.topics.blocks, key: `/block/${victim.hash}/raw` },
        error: { name: 'MalformedResponseError', retriable: false },
      });
      expect(letters[0]?.error.message).toMatch(d.problem);
      expect(await store.cursor()).toEqual({ height: 1_000, hash: chain[0]?.hash });

      sink.clear();
      await feed.poll();
      expect(blocks()).toEqual(pairs(chain.slice(1)));
    });
  }
});
