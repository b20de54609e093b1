import { z } from 'zod';
import { envelopeSchema } from './envelope.js';

/** One price point (key: the pair). `time` is the provider's own timestamp, Unix seconds (UTC). */
export const PriceDataSchema = z
  .object({
    pair: z.literal('BTC-EUR'),
    time: z.number().int().nonnegative(),
    /** EUR per BTC, as the provider wrote it. */
    price_eur: z.number().positive().finite(),
    /** Provider and series, e.g. `kraken_btceur_1h_close`. */
    source: z.string().min(1),
  })
  .strict();
export type PriceData = z.infer<typeof PriceDataSchema>;

/** Envelope + price point, schema version 1. */
export const PriceEventSchema = envelopeSchema('price', PriceDataSchema);
export type PriceEvent = z.infer<typeof PriceEventSchema>;
