import { Block } from 'bitcoinjs-lib';
import { z } from 'zod';
import type { ServedBlock } from './recorded-feed-data.js';

/** What `POST /__control/reorg` does to the served chain. */
export const ReorgRequestSchema = z
  .object({
    /** Transactions (from the end of the block) the competing block leaves out: they are no longer confirmed. Default 0. */
    dropTransactions: z.number().int().nonnegative().default(0),
    /** Added to the nonce, so that each request gives another competing block. Default 1. */
    variant: z.number().int().positive().default(1),
  })
  .strict();
export type ReorgRequest = z.infer<typeof ReorgRequestSchema>;

/** What the feed server answers to a reorg request. */
export interface ReorgReply {
  height: number;
  /** Hash of the block that is no longer served (still fetchable by hash, as on a real Esplora). */
  replaced: string;
  /** Hash of the competing block served at the same height. */
  by: string;
  /** Txids of the replaced block that the competing block does not contain. */
  dropped: string[];
}

/**
 * Compact target one step harder than `bits` (mantissa minus one): a block claiming it carries
 * slightly more work than one claiming `bits`.
 */
export function moreWorkBits(bits: number): number {
  const exponent = bits >>> 24;
  const mantissa = bits & 0x007f_ffff;
  if (mantissa > 1) return ((exponent << 24) | (mantissa - 1)) >>> 0;
  return (((exponent - 1) << 24) | 0x7f_ffff) >>> 0;
}

/**
 * The competing block of a reorg at the tip: the served tip's own block (real transactions, same
 * parent, same coinbase, so its height still matches a BIP34 coinbase) with another nonce, bits
 * claiming more work, and the last `dropTransactions` transactions left out (the merkle root is
 * not checked by the producer or the topology). The topology must orphan the tip, move the
 * transactions mined again to the competing block and stop counting the dropped ones.
 */
export function competingTip(tip: ServedBlock, request: ReorgRequest): { block: ServedBlock; dropped: string[] } {
  const block = Block.fromBuffer(tip.raw);
  const txs = block.transactions ?? [];
  const keep = Math.max(1, txs.length - request.dropTransactions);
  const dropped = txs.slice(keep).map((t) => t.getId());
  block.transactions = txs.slice(0, keep);
  block.nonce = (block.nonce + request.variant) >>> 0;
  block.bits = moreWorkBits(block.bits);
  const raw = Buffer.from(block.toBuffer());
  return { block: { height: tip.height, hash: block.getId(), previousHash: tip.previousHash, header: block, raw, txCount: keep }, dropped };
}
