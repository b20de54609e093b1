import { z } from 'zod';
import { envelopeSchema, SatsSchema, ChainTimeSchema } from './envelope.js';

/** One output of a transaction; `address` is null where the script has none. */
export const TxOutputSchema = z.object({ n: z.number().int().nonnegative(), value_sat: SatsSchema, address: z.string().min(1).nullable() }).strict();
export type TxOutput = z.infer<typeof TxOutputSchema>;

/** A transaction confirmed in a block (key: txid). Its event time is the block header time. */
export const ConfirmedTxDataSchema = z
  .object({
    status: z.literal('confirmed'),
    txid: z.string().regex(/^[0-9a-f]{64}$/),
    block_height: z.number().int().nonnegative(),
    block_hash: z.string().regex(/^[0-9a-f]{64}$/),
    /** Header time of the block, Unix seconds (UTC). */
    block_time: ChainTimeSchema,
    /** Position in the block; 0 is the coinbase. */
    index_in_block: z.number().int().nonnegative(),
    is_coinbase: z.boolean(),
    outputs: z.array(TxOutputSchema),
    output_total_sat: SatsSchema,
  })
  .strict()
  .refine((t) => t.is_coinbase === (t.index_in_block === 0), { message: 'only the first transaction is the coinbase', path: ['is_coinbase'] })
  .refine((t) => t.outputs.reduce((s, o) => s + o.value_sat, 0) === t.output_total_sat, {
    message: 'output_total_sat is not the sum of the outputs',
    path: ['output_total_sat'],
  });

/** A transaction seen in the mempool (key: txid); feeds the pending view, never the results. */
export const UnconfirmedTxDataSchema = z
  .object({
    status: z.literal('unconfirmed'),
    txid: z.string().regex(/^[0-9a-f]{64}$/),
    output_total_sat: SatsSchema,
    fee_sat: SatsSchema,
    vsize: z.number().int().positive(),
  })
  .strict();

export const TxDataSchema = z.union([ConfirmedTxDataSchema, UnconfirmedTxDataSchema]);
export type ConfirmedTxData = z.infer<typeof ConfirmedTxDataSchema>;
export type UnconfirmedTxData = z.infer<typeof UnconfirmedTxDataSchema>;
export type TxData = z.infer<typeof TxDataSchema>;

/** Envelope + transaction, schema version 1. */
export const TransactionEventSchema = envelopeSchema('transaction', TxDataSchema);
export type TransactionEvent = z.infer<typeof TransactionEventSchema>;
