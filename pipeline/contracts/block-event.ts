import { z } from 'zod';
import { envelopeSchema, SatsSchema } from './envelope.js';

/** One output of a coinbase transaction. `address` is null for outputs without one (bare P2PK, OP_RETURN). */
export const CoinbaseOutputSchema = z
  .object({ n: z.number().int().nonnegative(), value_sat: SatsSchema, address: z.string().min(1).nullable() })
  .strict();
export type CoinbaseOutput = z.infer<typeof CoinbaseOutputSchema>;

/** A mined block, as published to the blocks topic (key: block hash). */
export const BlockDataSchema = z
  .object({
    height: z.number().int().nonnegative(),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    previous_hash: z.string().regex(/^[0-9a-f]{64}$/),
    /** Header time, Unix seconds (UTC). */
    time: z.number().int().nonnegative(),
    /** All transactions of the block, coinbase included. */
    tx_count: z.number().int().positive(),
    coinbase_script_hex: z.string().regex(/^([0-9a-f]{2})*$/),
    coinbase_outputs: z.array(CoinbaseOutputSchema).min(1),
  })
  .strict();
export type BlockData = z.infer<typeof BlockDataSchema>;

/** Envelope + block, schema version 1. */
export const BlockEventSchema = envelopeSchema('block', BlockDataSchema);
export type BlockEvent = z.infer<typeof BlockEventSchema>;
