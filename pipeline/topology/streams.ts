import { z } from 'zod';
import { BlockDataSchema } from '../contracts/block-event.js';
import { PriceDataSchema } from '../contracts/price-event.js';
import { IndexRequestSchema, RenderBlockRequestSchema } from '../contracts/topology-streams.js';
import { ConfirmedTxDataSchema } from '../contracts/transaction-event.js';
import { defineStream } from '../runtime/index.js';

/**
 * The streams between the bolts of the analytics topology, each declared once. The spouts emit
 * the runtime's `KAFKA_RECORD_STREAM` (`{ key, value }` of a raw record).
 */

/** Valid block events' data, keyed by block hash (validate-blocks -> block-state). */
export const BLOCKS = defineStream('blocks', z.object({ hash: z.string(), block: BlockDataSchema }));

/** Valid confirmed transactions (validate-transactions -> transaction-state). */
export const CONFIRMED_TRANSACTIONS = defineStream('confirmed-transactions', z.object({ txid: z.string(), tx: ConfirmedTxDataSchema }));

/** Valid price points, keyed by pair (validate-prices -> price-state). */
export const PRICE_POINTS = defineStream('price-points', z.object({ pair: z.string(), point: PriceDataSchema }));

/** Documents to write with their external version (state bolts, reprice, pending transactions -> index). */
export const DOCUMENTS = defineStream('documents', IndexRequestSchema);

/** Blocks whose documents must be rendered again: a new price point, or a best-chain flip (-> reprice-block). */
export const REPRICE = defineStream('reprice', RenderBlockRequestSchema);
