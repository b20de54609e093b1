import { z } from 'zod';
import { envelopeSchema, SatsSchema, ChainTimeSchema } from './envelope.js';

/** One output of a coinbase transaction. `address` is null for outputs without one (bare P2PK, OP_RETURN). */
export const CoinbaseOutputSchema = z.object({ n: z.number().int().nonnegative(), value_sat: SatsSchema, address: z.string().min(1).nullable() }).strict();
export type CoinbaseOutput = z.infer<typeof CoinbaseOutputSchema>;

/** A mined block as published with schema version 1 (key: block hash); no header `bits`. */
export const BlockDataV1Schema = z
  .object({
    height: z.number().int().nonnegative(),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    previous_hash: z.string().regex(/^[0-9a-f]{64}$/),
    /** Header time, Unix seconds (UTC). */
    time: ChainTimeSchema,
    /** All transactions of the block, coinbase included. */
    tx_count: z.number().int().positive(),
    coinbase_script_hex: z.string().regex(/^([0-9a-f]{2})*$/),
    coinbase_outputs: z.array(CoinbaseOutputSchema).min(1),
  })
  .strict();

/**
 * A mined block as published with schema version 2: version 1 plus the header's compact target
 * `bits`, from which the topology computes the chain work that chooses the best chain.
 */
export const BlockDataV2Schema = BlockDataV1Schema.extend({ bits: z.number().int().min(0).max(0xffff_ffff) }).strict();

/** The block data a reader gets from either version; `bits` is absent in version 1 records. */
export const BlockDataSchema = BlockDataV1Schema.extend({ bits: z.number().int().min(0).max(0xffff_ffff).optional() }).strict();
export type BlockData = z.infer<typeof BlockDataSchema>;

/** Envelope + block: version 2 (with `bits`) is what producers write; version 1 records already in Kafka still read. */
export const BlockEventSchema = z.union([envelopeSchema('block', BlockDataV2Schema, 2), envelopeSchema('block', BlockDataV1Schema, 1)]);
export type BlockEvent = z.infer<typeof BlockEventSchema>;
