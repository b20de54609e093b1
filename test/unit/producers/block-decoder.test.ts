import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Block } from 'bitcoinjs-lib';
import { BlockDataSchema } from '../../../pipeline/contracts/block-event.js';
import { ConfirmedTxDataSchema } from '../../../pipeline/contracts/transaction-event.js';
import { SchemaError } from '../../../pipeline/runtime/index.js';
import { decodeBlock } from '../../../producers/block-decoder.js';
import { BIP34_HEIGHT } from '../../../producers/coinbase-height.js';
import { expectedBlocks, expectedTransactions, hasSharedData, rawBlockHex, rawHeights, SAMPLE_DIR, SHARED_DIR } from './recorded-data.js';

describe('decodeBlock on the shipped sample', () => {
  const heights = rawHeights(SAMPLE_DIR);

  it('ships five blocks', () => {
    expect(heights).toHaveLength(5);
  });

  for (const height of heights) {
    it(`decodes block ${height} into schema-valid data that agrees with the header`, () => {
      const hex = rawBlockHex(SAMPLE_DIR, height);
      const { block, transactions } = decodeBlock(hex, { height });
      const header = Block.fromHex(hex);
      expect(header.checkTxRoots()).toBe(true);
      expect(BlockDataSchema.parse(block)).toEqual(block);
      expect(block.height).toBe(height);
      expect(block.hash).toBe(header.getId());
      expect(block.time).toBe(header.timestamp);
      expect(block.tx_count).toBe(transactions.length);
      expect(block.coinbase_outputs).toEqual(transactions[0]?.outputs);
      for (const tx of transactions) expect(ConfirmedTxDataSchema.parse(tx)).toEqual(tx);
      expect(new Set(transactions.map((t) => t.txid)).size).toBe(transactions.length);
      if (height >= BIP34_HEIGHT) expect(decodeBlock(hex).block.height).toBe(height);
    });
  }

  it('needs a height for a block before BIP34', () => {
    const early = heights.find((h) => h < BIP34_HEIGHT) as number;
    expect(() => decodeBlock(rawBlockHex(SAMPLE_DIR, early))).toThrow(SchemaError);
  });

  it('rejects a height that contradicts the coinbase', () => {
    const late = heights.find((h) => h >= BIP34_HEIGHT) as number;
    expect(() => decodeBlock(rawBlockHex(SAMPLE_DIR, late), { height: late + 1 })).toThrow(SchemaError);
  });

  it('rejects bytes that are not a block', () => {
    expect(() => decodeBlock('00ff')).toThrow(SchemaError);
    const hex = rawBlockHex(SAMPLE_DIR, heights[0] as number);
    expect(() => decodeBlock(hex.slice(0, hex.length - 20), { height: heights[0] as number })).toThrow(SchemaError);
  });
});

describe('decodeBlock against ../shared/data/normalized', () => {
  it('finds the shared data when running in CI', () => {
    if (process.env.CI === 'true') expect(hasSharedData).toBe(true);
    expect(typeof hasSharedData).toBe('boolean');
  });

  const heights = hasSharedData ? rawHeights(SHARED_DIR) : [];
  const blocks = hasSharedData ? expectedBlocks() : new Map();

  if (hasSharedData) {
    it('holds 17 blocks and 15,617 transactions', () => {
      expect(heights).toHaveLength(17);
      expect(heights.reduce((n, h) => n + expectedTransactions(h).length, 0)).toBe(15_617);
    });
  }

  for (const height of heights) {
    it(`block ${height}: block fields, txids, outputs, addresses and totals match`, () => {
      const { block, transactions } = decodeBlock(rawBlockHex(SHARED_DIR, height), { height });
      const want = blocks.get(height);
      expect(block).toEqual({
        height,
        hash: want.hash,
        previous_hash: want.previousblockhash,
        time: want.time,
        tx_count: want.n_tx,
        coinbase_script_hex: want.coinbase_script_hex,
        coinbase_outputs: want.coinbase_outputs.map((o: { n: number; value_sat: number; address: string | null }) => ({
          n: o.n,
          value_sat: o.value_sat,
          address: o.address,
        })),
        bits: bitsOf(height),
      });
      const expected = expectedTransactions(height);
      expect(transactions).toHaveLength(expected.length);
      transactions.forEach((tx, i) => {
        const e = expected[i]!;
        expect(tx).toEqual({
          status: 'confirmed',
          txid: e.txid,
          block_height: height,
          block_hash: e.block_hash,
          block_time: e.block_time,
          index_in_block: e.index_in_block,
          is_coinbase: e.is_coinbase,
          outputs: e.outputs.map((o) => ({ n: o.n, value_sat: o.value_sat, address: o.address })),
          output_total_sat: e.output_total_sat,
        });
      });
    });
  }
});

/** The header `bits` of `height` as Bitcoin Core's `getblock` wrote it (hex text) in the shared data. */
function bitsOf(height: number): number {
  const json = gunzipSync(readFileSync(join(SHARED_DIR, 'blocks/getblock-v2', `${height}.json.gz`))).toString('utf8');
  return Number.parseInt((JSON.parse(json) as { bits: string }).bits, 16);
}
