import { z } from 'zod';
import { envelopeSchema, ChainTimeSchema } from './envelope.js';

/** One price point (key: the pair). `time` is the provider's own timestamp, Unix seconds (UTC). */
export const PriceDataSchema = z
  .object({
    pair: z.literal('BTC-EUR'),
    time: ChainTimeSchema,
    /** EUR per BTC, as the provider wrote it. */
    price_eur: z.number().positive().max(1e9, 'must be at most 1e9 EUR per BTC'),
    /** Provider and series, e.g. `kraken_btceur_1h_close`: a plain identifier, never markup. */
    source: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be a plain identifier (letters, digits, . _ : -), at most 64 characters'),
  })
  .strict();
export type PriceData = z.infer<typeof PriceDataSchema>;

/** Envelope + price point, schema version 1. */
export const PriceEventSchema = envelopeSchema('price', PriceDataSchema);
export type PriceEvent = z.infer<typeof PriceEventSchema>;
