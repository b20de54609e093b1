import { describe, expect, it } from 'vitest';
import {
  BlockDocSchema,
  MinersDailyDocSchema,
  MinersMonthlyDocSchema,
  TransactionDocSchema,
  VolumeHourlyDocSchema,
} from '../../../pipeline/contracts/documents.js';
import { renderBlockDoc } from '../../../pipeline/topology/domain/render-block-doc.js';
import { renderHourDoc, type HourBlockPart } from '../../../pipeline/topology/domain/render-hour-doc.js';
import { renderMinerDoc } from '../../../pipeline/topology/domain/render-miner-doc.js';
import { renderTransactionDoc } from '../../../pipeline/topology/domain/render-transaction-doc.js';
import type { PriceRef } from '../../../pipeline/topology/domain/price-ref.js';

const P1: PriceRef = { t: 1_330_732_800, price: '3.48', source: 'coingecko_daily_0000' };
const P2: PriceRef = { t: 1_503_532_800, price: '3400.1', source: 'kraken' };
const H = (n: string) => n.repeat(64).slice(0, 64);

describe('renderBlockDoc', () => {
  const facts = {
    hash: H('a'),
    previousHash: H('b'),
    height: 169_482,
    time: 1_330_781_454,
    pool: 'Unknown',
    txCount: 14,
    rewardSat: 5_001_750_000n,
    subsidySat: 5_000_000_000n,
    feesSat: 1_750_000n,
    orphaned: false,
    statusRev: 0,
  };
  it.each([
    ['priced', P1, 174.0609, 0.0609, P1.t + 2, 0],
    ['not priced yet', null, null, null, 1, 0],
    ['orphaned, then restored: its status revision comes first in the version', P1, 174.0609, 0.0609, 2 * 2 ** 32 + P1.t + 2, 2],
  ] as const)('%s', (_name, price, rewardEur, feesEur, version, statusRev) => {
    const r = renderBlockDoc({ ...facts, statusRev }, price);
    expect(BlockDocSchema.parse(r.doc)).toEqual(r.doc);
    expect(r).toMatchObject({ id: facts.hash, version });
    expect(r.doc.orphaned).toBe(false);
    expect(r.doc).toMatchObject({
      reward_sat: 5_001_750_000,
      reward_btc: 50.0175,
      reward_eur: rewardEur,
      fees_eur: feesEur,
      day: '2012-03-03',
      month: '2012-03',
    });
  });
});

describe('renderTransactionDoc', () => {
  it.each([
    [0, true, null, false, 0, 1],
    [5, false, P1, false, 0, P1.t + 2],
    [5, false, P1, true, 1, 2 ** 32 + P1.t + 2],
  ] as const)('index %d: coinbase %s, orphaned %s', (index, coinbase, price, orphaned, statusRev, version) => {
    const r = renderTransactionDoc(
      {
        txid: H('c'),
        blockHash: H('a'),
        blockHeight: 1,
        blockTime: 1_330_781_454,
        indexInBlock: index,
        outputCount: 2,
        outputTotalSat: 50_000_000_000n,
        orphaned,
        statusRev,
      },
      price,
    );
    expect(TransactionDocSchema.parse(r.doc)).toEqual(r.doc);
    expect(r.version).toBe(version);
    expect(r.doc.orphaned).toBe(orphaned);
    expect(r.doc.is_coinbase).toBe(coinbase);
    expect(r.doc.output_total_eur).toBe(price === null ? null : 1740);
    expect(r.doc.price_time).toBe(price === null ? null : '2012-03-03T00:00:00.000Z');
  });
});

describe('renderHourDoc', () => {
  const part = (hash: string, height: number, n: number, sat: bigint, max: HourBlockPart['max'], price: PriceRef | null): HourBlockPart => ({
    blockHash: H(hash),
    blockHeight: height,
    txCount: n,
    volumeSat: sat,
    max,
    price,
  });
  it.each([
    {
      name: 'two blocks at two prices: EUR summed exactly per block',
      blocks: [
        part('a', 10, 2, 100_000_000n, { txid: H('1'), sats: 60_000_000n, indexInBlock: 2 }, P1),
        part('b', 11, 1, 60_000_000n, { txid: H('2'), sats: 60_000_000n, indexInBlock: 1 }, P2),
      ],
      expected: { blocks: 2, tx_count: 3, volume_sat: 160_000_000, volume_eur: 2043.54, max_tx_txid: H('1'), max_tx_block_height: 10, max_tx_eur: 2.088 },
    },
    {
      name: 'a block without price makes EUR provisional (null)',
      blocks: [part('a', 10, 1, 5n, { txid: H('1'), sats: 5n, indexInBlock: 1 }, null), part('b', 11, 1, 7n, { txid: H('2'), sats: 7n, indexInBlock: 1 }, P2)],
      expected: { tx_count: 2, volume_sat: 12, volume_eur: null, max_tx_txid: H('2'), max_tx_eur: 0.000238007 },
    },
    {
      name: 'only a coinbase: no largest transaction',
      blocks: [part('a', 10, 0, 0n, null, P1)],
      expected: { blocks: 1, tx_count: 0, volume_sat: 0, volume_eur: 0, max_tx_txid: null, max_tx_sat: null, max_tx_eur: null },
    },
  ])('$name', ({ blocks, expected }) => {
    const r = renderHourDoc({ hour: '2017-08-24T13:00:00Z', rev: 7, blocks });
    expect(VolumeHourlyDocSchema.parse(r.doc)).toEqual(r.doc);
    expect(r.id).toBe('2017-08-24T13:00:00Z');
    expect(r.version).toBe(7);
    expect(r.doc['@timestamp']).toBe('2017-08-24T13:00:00.000Z');
    expect(r.doc).toMatchObject(expected);
  });
});

describe('renderMinerDoc', () => {
  it.each([
    { period: 'day' as const, bucket: '2017-08-24', schema: MinersDailyDocSchema, ts: '2017-08-24T00:00:00.000Z' },
    { period: 'month' as const, bucket: '2017-08', schema: MinersMonthlyDocSchema, ts: '2017-08-01T00:00:00.000Z' },
  ])('$period', ({ period, bucket, schema, ts }) => {
    const r = renderMinerDoc({
      period,
      bucket,
      pool: 'Bixin',
      rev: 3,
      blocks: [
        { blockHash: H('a'), rewardSat: 1_300_000_000n, price: P2 },
        { blockHash: H('b'), rewardSat: 1_250_000_001n, price: P1 },
      ],
    });
    expect(schema.parse(r.doc)).toEqual(r.doc);
    expect(r.id).toBe(`${bucket}:Bixin`);
    expect(r.doc).toMatchObject({ '@timestamp': ts, blocks: 2, reward_sat: 2_550_000_001, reward_btc: 25.50000001, reward_eur: 44244.8000000348 });
  });
});
