import { describe, expect, it } from 'vitest';
import type { BlockData } from '../../../pipeline/contracts/block-event.js';
import type { ConfirmedTxData } from '../../../pipeline/contracts/transaction-event.js';
import { BlockStateBolt, type BlockStore } from '../../../pipeline/topology/bolts/block-state-bolt.js';
import { PriceStateBolt, type PriceStore } from '../../../pipeline/topology/bolts/price-state-bolt.js';
import { RepriceBlockBolt, type BlockSnapshotStore } from '../../../pipeline/topology/bolts/reprice-block-bolt.js';
import { TransactionStateBolt, type TransactionStore } from '../../../pipeline/topology/bolts/transaction-state-bolt.js';
import { PoolIdentifier } from '../../../pipeline/topology/domain/pool-identifier.js';
import type { PriceRef } from '../../../pipeline/topology/domain/price-ref.js';
import { BLOCKS, CONFIRMED_TRANSACTIONS, DOCUMENTS, DOCUMENT_BATCHES, PRICE_POINTS, REPRICE } from '../../../pipeline/topology/streams.js';
import { fakeTuple, recordingBasicCollector, recordingBatchCollector } from '../../support/fake-tuple.js';

const H = (c: string) => c.repeat(64);
const PRICE: PriceRef = { t: 1_503_532_800, price: '3400.5', source: 'kraken' };

describe('BlockStateBolt', () => {
  const block: BlockData = {
    height: 481_824,
    hash: H('a'),
    previous_hash: H('b'),
    time: 1_503_540_000,
    tx_count: 3,
    coinbase_script_hex: Buffer.from('/BTCC/', 'latin1').toString('hex'),
    coinbase_outputs: [
      { n: 0, value_sat: 1_300_000_000, address: null },
      { n: 1, value_sat: 0, address: null },
    ],
  };
  const pools = new PoolIdentifier([{ id: 1, name: 'BTCC', addresses: [], tags: ['/BTCC/'] }]);
  it.each([
    { name: 'first time', isNew: true, price: PRICE, touched: ['hour|x', 'day|y|BTCC', 'month|z|BTCC'], version: PRICE.t + 2, eur: 44206.5, flipped: [] },
    { name: 'replay, no price yet', isNew: false, price: null, touched: [], version: 1, eur: null, flipped: [] },
    {
      name: 'a reorg: the blocks it flipped are rendered again',
      isNew: true,
      price: PRICE,
      touched: ['hour|x'],
      version: PRICE.t + 2,
      eur: 44206.5,
      flipped: [H('c'), H('d')],
    },
  ])('$name', async ({ isNew, price, touched, version, eur, flipped }) => {
    const calls: unknown[] = [];
    const store: BlockStore = {
      applyBlock: async (b) => {
        calls.push(b);
        return { isNew, facts: { ...b, orphaned: false, statusRev: 0 }, price, touched, flipped };
      },
    };
    const c = recordingBasicCollector();
    await new BlockStateBolt(store, pools).execute(fakeTuple(BLOCKS, { hash: block.hash, block }), c);
    expect(calls).toEqual([expect.objectContaining({ pool: 'BTCC', rewardSat: 1_300_000_000n, subsidySat: 1_250_000_000n, feesSat: 50_000_000n })]);
    expect(c.emitted[0]).toMatchObject({
      stream: DOCUMENTS.id,
      values: { index: 'blocks', id: H('a'), version, doc: { pool: 'BTCC', reward_eur: eur, fees_sat: 50_000_000 } },
    });
    // The touched aggregates are marked dirty by the state script itself (the outbox); the blocks a
    // reorg flipped are re-rendered through the reprice stream.
    expect(c.emitted.slice(1)).toEqual(flipped.map((hash) => ({ stream: REPRICE.id, values: { hash } })));
  });
});

describe('TransactionStateBolt', () => {
  const tx = (c: string, index: number): ConfirmedTxData => ({
    status: 'confirmed',
    txid: H(c),
    block_height: 1,
    block_hash: H('a'),
    block_time: 1_503_540_000,
    index_in_block: index,
    is_coinbase: false,
    outputs: [{ n: 0, value_sat: 100_000_000, address: null }],
    output_total_sat: 100_000_000,
  });
  it.each([
    { name: 'one new', txs: [tx('c', 4)], counted: [false] },
    { name: 'one counted before', txs: [tx('c', 4)], counted: [true] },
    { name: 'a batch: new, counted before, new', txs: [tx('c', 4), tx('d', 5), tx('e', 6)], counted: [false, true, false] },
  ])('$name: one store call for the batch, then the documents of each batch anchored to its own input, and only those', async ({ txs, counted }) => {
    const calls: ConfirmedTxData[][] = [];
    const store: TransactionStore = {
      applyTransactions: async (batch) => {
        calls.push([...batch]);
        return batch.map((t, i) => ({
          isNew: !counted[i],
          price: PRICE,
          touched: counted[i] ? [] : ['hour|2017-08-24T02:00:00Z'],
          facts: {
            txid: t.txid,
            blockHash: t.block_hash,
            blockHeight: t.block_height,
            blockTime: t.block_time,
            indexInBlock: t.index_in_block,
            outputCount: 1,
            outputTotalSat: 100_000_000n,
            orphaned: false,
            statusRev: 0,
          },
        }));
      },
    };
    // The first input carries one record, the second the rest: a record batch each.
    const batches = [txs.slice(0, 1), txs.slice(1)].filter((b) => b.length > 0);
    const tuples = batches.map((b) => fakeTuple(CONFIRMED_TRANSACTIONS, { transactions: b.map((t) => ({ messageId: `m-${t.txid}`, tx: t })) }));
    const c = recordingBatchCollector();
    await new TransactionStateBolt(store).executeBatch(tuples, c);
    expect(calls).toEqual([txs]);
    expect(c.emitted).toHaveLength(batches.length);
    for (const [i, b] of batches.entries()) {
      expect(c.emitted[i]).toMatchObject({
        stream: DOCUMENT_BATCHES.id,
        anchor: tuples[i]?.id,
        values: {
          documents: b.map((t) => ({
            index: 'transactions',
            id: t.txid,
            messageId: `m-${t.txid}`,
            doc: expect.objectContaining({ output_total_eur: 3400.5, index_in_block: t.index_in_block }),
          })),
        },
      });
    }
    expect(c.failed).toEqual([]);
  });
});

describe('PriceStateBolt', () => {
  it.each([
    { name: 'new point re-prices two blocks', isNew: true, repriced: [H('a'), H('b')], touched: ['hour|h'] },
    { name: 'known point: re-emits for crash recovery, changes nothing', isNew: false, repriced: [H('a')], touched: [] },
  ])('$name', async ({ isNew, repriced, touched }) => {
    const store: PriceStore = { applyPrice: async () => ({ isNew, stored: { t: 100, price: '1.5', source: 's' }, repriced, touched }) };
    const c = recordingBasicCollector();
    await new PriceStateBolt(store).execute(
      fakeTuple(PRICE_POINTS, { pair: 'BTC-EUR', point: { pair: 'BTC-EUR', time: 100, price_eur: 2, source: 'late' } }),
      c,
    );
    expect(c.emitted[0]).toEqual({
      stream: DOCUMENTS.id,
      values: {
        index: 'prices',
        id: 'BTC-EUR:100',
        version: 1,
        doc: { '@timestamp': '1970-01-01T00:01:40.000Z', pair: 'BTC-EUR', price_eur: 1.5, source: 's' },
      },
    });
    expect(c.emitted.filter((e) => e.stream === REPRICE.id).map((e) => e.values.hash)).toEqual(repriced);
    expect(c.emitted.filter((e) => e.stream !== DOCUMENTS.id && e.stream !== REPRICE.id)).toEqual([]);
  });
});

describe('RepriceBlockBolt', () => {
  const txs = [0, 1, 2].map((i) => ({
    facts: {
      txid: H(String(i)),
      blockHash: H('a'),
      blockHeight: 5,
      blockTime: 1_503_540_000,
      indexInBlock: i,
      outputCount: 1,
      outputTotalSat: 10n,
      orphaned: false,
      statusRev: 0,
    },
    price: PRICE,
  }));
  it.each([
    { name: 'block known: block and transactions', block: true, expected: ['blocks', 'transactions', 'transactions', 'transactions'] },
    { name: 'block event not processed yet: transactions only', block: false, expected: ['transactions', 'transactions', 'transactions'] },
  ])('$name', async ({ block, expected }) => {
    const store: BlockSnapshotStore = {
      snapshotBlock: async (hash) => ({
        block: block
          ? {
              hash,
              previousHash: H('b'),
              height: 5,
              time: 1_503_540_000,
              pool: 'P',
              txCount: 3,
              rewardSat: 1n,
              subsidySat: 0n,
              feesSat: 1n,
              orphaned: false,
              statusRev: 0,
            }
          : null,
        transactions: txs,
        price: PRICE,
      }),
    };
    const c = recordingBasicCollector();
    await new RepriceBlockBolt(store).execute(fakeTuple(REPRICE, { hash: H('a') }), c);
    expect(c.emitted.map((e) => e.values.index)).toEqual(expected);
    expect(c.emitted.every((e) => e.values.version === PRICE.t + 2)).toBe(true);
  });
});
