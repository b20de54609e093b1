import { z } from 'zod';
import { SatsSchema, UtcIsoSchema } from './envelope.js';

/**
 * The Elasticsearch documents of the analytics topology, one schema per index, matching
 * `es-templates/*.json` field for field (`dynamic: strict` there). Amounts in sats are exact
 * integers; `_btc` and `_eur` fields are derived. EUR fields and `price_*` are null while no
 * price point at or before the event time is known (provisional, corrected when one arrives).
 */

const Eur = z.number().finite().nullable();
/** Signed sats (fees are negative when a miner under-claims the subsidy). */
const SignedSats = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const Hash = z.string().regex(/^[0-9a-f]{64}$/);

/** `btc-prices`, id `<pair>:<unix seconds>`. */
export const PriceDocSchema = z
  .object({ '@timestamp': UtcIsoSchema, pair: z.string().min(1), price_eur: z.number().positive(), source: z.string().min(1) })
  .strict();
export type PriceDoc = z.infer<typeof PriceDocSchema>;

/** `btc-blocks`, id = block hash. */
export const BlockDocSchema = z
  .object({
    '@timestamp': UtcIsoSchema,
    height: z.number().int().nonnegative(),
    hash: Hash,
    previous_hash: Hash,
    pool: z.string().min(1),
    tx_count: z.number().int().positive(),
    reward_sat: SatsSchema,
    reward_btc: z.number(),
    reward_eur: Eur,
    subsidy_sat: SatsSchema,
    fees_sat: SignedSats,
    fees_btc: z.number(),
    fees_eur: Eur,
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    month: z.string().regex(/^\d{4}-\d{2}$/),
    price_eur: z.number().positive().nullable(),
    price_time: UtcIsoSchema.nullable(),
    /** Off the best chain (replaced in a reorg): counted in no aggregate. */
    orphaned: z.boolean(),
  })
  .strict();
export type BlockDoc = z.infer<typeof BlockDocSchema>;

/** `btc-transactions`, id = txid. */
export const TransactionDocSchema = z
  .object({
    '@timestamp': UtcIsoSchema,
    txid: Hash,
    block_height: z.number().int().nonnegative(),
    block_hash: Hash,
    index_in_block: z.number().int().nonnegative(),
    is_coinbase: z.boolean(),
    output_count: z.number().int().nonnegative(),
    output_total_sat: SatsSchema,
    output_total_btc: z.number(),
    output_total_eur: Eur,
    price_eur: z.number().positive().nullable(),
    price_time: UtcIsoSchema.nullable(),
    /** In no block of the best chain (its block was orphaned and it was not mined again): not confirmed. */
    orphaned: z.boolean(),
  })
  .strict();
export type TransactionDoc = z.infer<typeof TransactionDocSchema>;

/** `btc-volume-hourly`, id = the hour `YYYY-MM-DDTHH:00:00Z`. Max fields are null in an hour without a non-coinbase transaction. */
export const VolumeHourlyDocSchema = z
  .object({
    '@timestamp': UtcIsoSchema,
    hour: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/),
    blocks: z.number().int().nonnegative(),
    tx_count: z.number().int().nonnegative(),
    volume_sat: SatsSchema,
    volume_btc: z.number(),
    volume_eur: Eur,
    max_tx_txid: Hash.nullable(),
    max_tx_block_height: z.number().int().nonnegative().nullable(),
    max_tx_index_in_block: z.number().int().nonnegative().nullable(),
    max_tx_sat: SatsSchema.nullable(),
    max_tx_btc: z.number().nullable(),
    max_tx_eur: Eur,
  })
  .strict();
export type VolumeHourlyDoc = z.infer<typeof VolumeHourlyDocSchema>;

const minerFields = {
  '@timestamp': UtcIsoSchema,
  pool: z.string().min(1),
  blocks: z.number().int().nonnegative(),
  reward_sat: SatsSchema,
  reward_btc: z.number(),
  reward_eur: Eur,
};

/** `btc-miners-daily`, id `<day>:<pool>`. */
export const MinersDailyDocSchema = z.object({ ...minerFields, day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict();
export type MinersDailyDoc = z.infer<typeof MinersDailyDocSchema>;

/** `btc-miners-monthly`, id `<month>:<pool>`. */
export const MinersMonthlyDocSchema = z.object({ ...minerFields, month: z.string().regex(/^\d{4}-\d{2}$/) }).strict();
export type MinersMonthlyDoc = z.infer<typeof MinersMonthlyDocSchema>;

/**
 * `btc-pending-transactions`, id = txid. `@timestamp` is the earliest time a producer saw the
 * transaction unconfirmed (the mempool feed carries no time of its own). Never part of the results.
 */
export const PendingTransactionDocSchema = z
  .object({
    '@timestamp': UtcIsoSchema,
    txid: Hash,
    output_total_sat: SatsSchema,
    output_total_btc: z.number(),
    fee_sat: SatsSchema,
    vsize: z.number().int().positive(),
    fee_rate_sat_vb: z.number().nonnegative(),
  })
  .strict();
export type PendingTransactionDoc = z.infer<typeof PendingTransactionDocSchema>;
