import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../pipeline/config/config.js';
import type { PriceData } from '../../../pipeline/contracts/price-event.js';
import type { ConfirmedTxData } from '../../../pipeline/contracts/transaction-event.js';
import type { BlockData } from '../../../pipeline/contracts/block-event.js';
import type { BasicBolt, Stream, Values } from '../../../pipeline/runtime/index.js';
import { BlockStateBolt } from '../../../pipeline/topology/bolts/block-state-bolt.js';
import { PriceStateBolt } from '../../../pipeline/topology/bolts/price-state-bolt.js';
import { RepriceBlockBolt } from '../../../pipeline/topology/bolts/reprice-block-bolt.js';
import { TransactionStateBolt } from '../../../pipeline/topology/bolts/transaction-state-bolt.js';
import { PoolIdentifier } from '../../../pipeline/topology/domain/pool-identifier.js';
import { renderHourDoc } from '../../../pipeline/topology/domain/render-hour-doc.js';
import { renderMinerDoc } from '../../../pipeline/topology/domain/render-miner-doc.js';
import { AnalyticsState } from '../../../pipeline/topology/state/analytics-state.js';
import { BLOCKS, CONFIRMED_TRANSACTIONS, DOCUMENTS, DOCUMENT_BATCHES, PRICE_POINTS, REPRICE } from '../../../pipeline/topology/streams.js';
import { deleteKeys } from '../../../pipeline/clients/delete-keys.js';
import { fakeTuple, recordingBasicCollector, recordingBatchCollector } from '../../support/fake-tuple.js';
import { recount, recountMismatches } from '../../support/reorg-recount.js';
import { shuffled } from '../../support/shuffled.js';
import { POOLS_FILE, type ReorgScenario, reorgScenarios, type ScenarioBlock } from '../../support/reorg-scenarios.js';

/**
 * The analytics state (Lua on the real Redis) driven through the real state bolts, on real blocks
 * re-linked into competing branches, in the producer's order and in shuffled interleavings. Every
 * document write goes to a store with Elasticsearch's external-version semantics (the highest
 * version wins; one version must never carry two different documents), and the end result is
 * compared, document by document, with a recount from the events.
 */

const config = loadConfig();
const redis = new Redis(config.redis.url);
const prefixes: string[] = [];
const pools = PoolIdentifier.fromFile(POOLS_FILE, 'address-first');
const poolOf = (b: BlockData) => pools.identify({ scriptHex: b.coinbase_script_hex, outputAddresses: b.coinbase_outputs.map((o) => o.address) }).pool;

afterAll(async () => {
  await deleteKeys(
    redis,
    prefixes.map((p) => `${p}*`),
  );
  redis.disconnect();
});

type Event = { kind: 'block'; block: BlockData } | { kind: 'tx'; tx: ConfirmedTxData } | { kind: 'price'; point: PriceData };

/** Documents by `index/id` with the highest version written, as Elasticsearch keeps them. */
class VersionedDocs {
  readonly docs = new Map<string, { version: number; doc: Record<string, unknown> }>();
  readonly conflicts: string[] = [];
  writes = 0;

  write(index: string, id: string, version: number, doc: Record<string, unknown>): void {
    const key = `${index}/${id}`;
    const cur = this.docs.get(key);
    if (cur !== undefined && cur.version === version && JSON.stringify(cur.doc) !== JSON.stringify(doc)) this.conflicts.push(key);
    if (cur === undefined || version > cur.version) {
      this.docs.set(key, { version, doc });
      this.writes += 1;
    }
  }

  of(index: string): Map<string, Record<string, any>> {
    const out = new Map<string, Record<string, any>>();
    for (const [key, d] of this.docs) if (key.startsWith(`${index}/`)) out.set(key.slice(index.length + 1), d.doc);
    return out;
  }
}

/**
 * The state bolts on one Redis prefix, with the reprice and aggregate paths run after each event;
 * up to `txBatch` consecutive transaction events reach the transaction bolt as one batch.
 */
function pipeline(txBatch = 1) {
  const prefix = `it-reorg-${randomBytes(4).toString('hex')}:`;
  prefixes.push(prefix);
  const state = new AnalyticsState(redis, prefix);
  const docs = new VersionedDocs();
  const bolts = {
    block: new BlockStateBolt(state, pools),
    tx: new TransactionStateBolt(state),
    price: new PriceStateBolt(state),
    reprice: new RepriceBlockBolt(state),
  };
  const handle = async (emitted: readonly { stream: string; values: Values }[]): Promise<void> => {
    for (const e of emitted) {
      if (e.stream === DOCUMENTS.id) {
        const d = DOCUMENTS.schema.parse(e.values);
        docs.write(d.index, d.id, d.version, d.doc);
      }
      if (e.stream === DOCUMENT_BATCHES.id) for (const d of DOCUMENT_BATCHES.schema.parse(e.values).documents) docs.write(d.index, d.id, d.version, d.doc);
      if (e.stream === REPRICE.id) await run(bolts.reprice, REPRICE, REPRICE.schema.parse(e.values));
    }
  };
  const run = async <T extends Values>(bolt: BasicBolt, stream: Stream<T>, values: T) => {
    const c = recordingBasicCollector();
    await bolt.execute(fakeTuple(stream, values), c);
    await handle(c.emitted);
  };
  const runTransactions = async (txs: readonly ConfirmedTxData[]) => {
    const c = recordingBatchCollector();
    await bolts.tx.executeBatch(
      txs.map((tx) => fakeTuple(CONFIRMED_TRANSACTIONS, { transactions: [{ messageId: tx.txid, tx }] })),
      c,
    );
    expect(c.failed).toEqual([]);
    await handle(c.emitted);
  };
  const renderAggregates = async () => {
    for (const key of await state.claimDirty(Date.now(), 60_000, 10_000)) {
      const snapshot = await state.snapshotAggregate(key);
      if ('hour' in snapshot) {
        const r = renderHourDoc(snapshot);
        docs.write('volumeHourly', r.id, r.version, r.doc);
      } else {
        const r = renderMinerDoc(snapshot);
        docs.write(snapshot.period === 'day' ? 'minersDaily' : 'minersMonthly', r.id, r.version, r.doc);
      }
      await state.clearDirty(key, snapshot.rev);
    }
  };
  const feed = async (events: readonly Event[]) => {
    for (let i = 0; i < events.length; ) {
      const e = events[i] as Event;
      if (e.kind === 'tx') {
        const txs: ConfirmedTxData[] = [];
        for (let next = events[i]; next?.kind === 'tx' && txs.length < txBatch; next = events[i]) {
          txs.push(next.tx);
          i += 1;
        }
        await runTransactions(txs);
      } else {
        if (e.kind === 'block') await run(bolts.block, BLOCKS, { hash: e.block.hash, block: e.block });
        else await run(bolts.price, PRICE_POINTS, { pair: e.point.pair, point: e.point });
        i += 1;
      }
      await renderAggregates();
    }
  };
  return { state, docs, feed, prefix };
}

/** The producer's order: each block's transactions, then the block. */
const producerOrder = (blocks: readonly ScenarioBlock[]): Event[] =>
  blocks.flatMap((b) => [...b.transactions.map((tx): Event => ({ kind: 'tx', tx })), { kind: 'block', block: b.block } as Event]);

/** Compares every document with the recount of `blocks`. */
function expectMatchesRecount(docs: VersionedDocs, blocks: readonly ScenarioBlock[], prices: readonly PriceData[]): void {
  expect(docs.conflicts).toEqual([]);
  const want = recount(
    blocks.map((b) => b.block),
    blocks.flatMap((b) => b.transactions),
    prices,
    poolOf,
  );
  expect(recountMismatches((index) => docs.of(index), want)).toEqual([]);
}

const priceEvents = (s: ReorgScenario): Event[] => s.prices.map((point) => ({ kind: 'price', point }));

describe('reorgs in the analytics state (real Redis, real blocks re-linked)', () => {
  for (const scenario of reorgScenarios()) {
    const all = scenario.steps.flat();

    it(`${scenario.name}: in the producer's order, every document matches the recount after each step`, async () => {
      const p = pipeline();
      await p.feed(priceEvents(scenario));
      for (let i = 0; i < scenario.steps.length; i += 1) {
        await p.feed(producerOrder(scenario.steps[i] as ScenarioBlock[]));
        expectMatchesRecount(p.docs, scenario.steps.slice(0, i + 1).flat(), scenario.prices);
      }
      // Something was orphaned, and nothing of it counts.
      const orphans = [...p.docs.of('blocks').values()].filter((d) => d.orphaned === true);
      expect(orphans.length).toBeGreaterThan(0);
    });

    it(`${scenario.name}: any interleaving of blocks, transactions and prices, in any batches of transactions, gives the same documents`, async () => {
      const events = [...priceEvents(scenario), ...producerOrder(all)];
      for (const seed of [1, 2, 3, 4]) {
        const p = pipeline(seed * 3 - 2);
        await p.feed(shuffled(events, seed));
        expectMatchesRecount(p.docs, all, scenario.prices);
      }
    });

    it(`${scenario.name}: replaying every event changes no state and writes no newer document`, async () => {
      const p = pipeline(5);
      const events = [...priceEvents(scenario), ...producerOrder(all)];
      await p.feed(events);
      const before = new Map([...p.docs.docs].map(([k, d]) => [k, d.version]));
      const rev = await redis.get(`${p.prefix}chain:rev`);
      await p.feed(shuffled(events, 7));
      expect(new Map([...p.docs.docs].map(([k, d]) => [k, d.version]))).toEqual(before);
      expect(await redis.get(`${p.prefix}chain:rev`)).toBe(rev);
      expect(await p.state.dirtyCount()).toBe(0);
    });
  }

  it('a reorg back restores every document of the first branch exactly (content; versions only grow)', async () => {
    const scenario = reorgScenarios().find((s) => s.name === 'reorg back') as ReorgScenario;
    const [first, competing, back] = scenario.steps as [ScenarioBlock[], ScenarioBlock[], ScenarioBlock[]];
    const p = pipeline();
    await p.feed(priceEvents(scenario));
    await p.feed(producerOrder(first));
    const original = new Map([...p.docs.docs].map(([k, d]) => [k, d]));
    await p.feed(producerOrder(competing));
    const during = new Map([...p.docs.docs].map(([k, d]) => [k, d]));
    const changed = [...original.keys()].filter((k) => JSON.stringify(during.get(k)?.doc) !== JSON.stringify(original.get(k)?.doc));
    expect(changed.length).toBeGreaterThan(0);
    await p.feed(producerOrder(back));
    const backHours = new Set(back.map((b) => `volumeHourly/${new Date(b.block.time * 1000).toISOString().slice(0, 13)}:00:00Z`));
    for (const [key, d] of original) {
      if (backHours.has(key)) continue; // the new block adds to its own hour
      const now = p.docs.docs.get(key);
      expect(now?.doc, key).toEqual(d.doc);
      if (changed.includes(key)) expect(now?.version ?? 0, key).toBeGreaterThan(during.get(key)?.version ?? 0);
    }
  });
});
