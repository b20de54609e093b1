import { describe, expect, it } from 'vitest';
import { BlockDataSchema } from '../../pipeline/contracts/block-event.js';
import { GENESIS_TIME } from '../../pipeline/contracts/envelope.js';
import { PriceDataSchema } from '../../pipeline/contracts/price-event.js';
import { ConfirmedTxDataSchema } from '../../pipeline/contracts/transaction-event.js';

// Hostile values that a loose schema would let through to the results (found by the poison fault scenario).
const H = (c: string) => c.repeat(64);
const price = { pair: 'BTC-EUR', time: 1_503_532_800, price_eur: 3_400.5, source: 'kraken_btceur_1h_close' };
const block = {
  height: 481_824,
  hash: H('a'),
  previous_hash: H('b'),
  time: 1_503_540_000,
  tx_count: 3,
  coinbase_script_hex: '00',
  coinbase_outputs: [{ n: 0, value_sat: 1, address: null }],
};
const tx = {
  status: 'confirmed',
  txid: H('c'),
  block_height: 1,
  block_hash: H('a'),
  block_time: 1_503_540_000,
  index_in_block: 4,
  is_coinbase: false,
  outputs: [{ n: 0, value_sat: 100, address: null }],
  output_total_sat: 100,
};

describe('event times are Bitcoin times: from the genesis block to 2 hours ahead', () => {
  it.each([
    { name: '1970', t: 0 },
    { name: 'a second before the genesis block', t: GENESIS_TIME - 1 },
    { name: '2100', t: 4_102_444_800 },
    { name: 'three hours ahead', t: Math.floor(Date.now() / 1000) + 3 * 3600 },
  ])('$name is rejected on every raw topic', ({ t }) => {
    expect(PriceDataSchema.safeParse({ ...price, time: t }).success).toBe(false);
    expect(BlockDataSchema.safeParse({ ...block, time: t }).success).toBe(false);
    expect(ConfirmedTxDataSchema.safeParse({ ...tx, block_time: t }).success).toBe(false);
  });

  it('the genesis time and real times are accepted', () => {
    expect(PriceDataSchema.safeParse({ ...price, time: GENESIS_TIME }).success).toBe(true);
    expect(BlockDataSchema.safeParse(block).success).toBe(true);
    expect(ConfirmedTxDataSchema.safeParse(tx).success).toBe(true);
  });
});

describe('price points', () => {
  it.each([
    { name: 'a price of 1e308', patch: { price_eur: 1e308 } },
    { name: 'a price of 2^64', patch: { price_eur: 2 ** 64 } },
    { name: 'a script as source', patch: { source: '<script>alert(1)</script>' } },
    { name: 'a template as source', patch: { source: '{{constructor.constructor("x")()}}' } },
    { name: 'an empty source', patch: { source: '' } },
  ])('$name is rejected', ({ patch }) => {
    expect(PriceDataSchema.safeParse({ ...price, ...patch }).success).toBe(false);
  });
});
