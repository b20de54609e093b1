import { z } from 'zod';
import { BlockDataSchema } from '../contracts/block-event.js';
import { PriceDataSchema } from '../contracts/price-event.js';
import { IndexRequestSchema, RenderBlockRequestSchema } from '../contracts/topology-streams.js';
import { ConfirmedTxDataSchema } from '../contracts/transaction-event.js';
import { defineStream } from '../runtime/index.js';

/**
 * The streams between the bolts of the analytics topology, each declared once. The blocks and
 * prices spouts emit the runtime's `KAFKA_RECORD_STREAM` (`{ key, value }` of a raw record), the
 * transactions spout `KAFKA_RECORD_BATCH_STREAM` (record batches): the transaction path carries
 * a batch in each tuple, so that the runtime tracks, routes and acks batches, not transactions.
 */

/** Valid block events' data, keyed by block hash (validate-blocks -> block-state). */
export const BLOCKS = defineStream('blocks', z.object({ hash: z.string(), block: BlockDataSchema }));

/**
 * The valid confirmed transactions of one record batch, each with the spout message it came from
 * (validate-transactions -> transaction-state).
 */
export const CONFIRMED_TRANSACTIONS = defineStream(
  'confirmed-transactions',
  z.object({ transactions: z.array(z.object({ messageId: z.string(), tx: ConfirmedTxDataSchema })) }),
);

/** Valid price points, keyed by pair (validate-prices -> price-state). */
export const PRICE_POINTS = defineStream('price-points', z.object({ pair: z.string(), point: PriceDataSchema }));

/** Documents to write with their external version (block and price state, reprice -> index). */
export const DOCUMENTS = defineStream('documents', IndexRequestSchema);

/**
 * The documents of one record batch, each with the spout message it derives from, so that a
 * document Elasticsearch rejects dead-letters its record alone (transaction-state, pending
 * transactions -> index).
 */
export const DOCUMENT_BATCHES = defineStream('document-batches', z.object({ documents: z.array(IndexRequestSchema.extend({ messageId: z.string() })) }));

/** The values of a `DOCUMENT_BATCHES` tuple. */
export type DocumentBatch = z.output<typeof DOCUMENT_BATCHES.schema>;

/** Blocks whose documents must be rendered again: a new price point, or a best-chain flip (-> reprice-block). */
export const REPRICE = defineStream('reprice', RenderBlockRequestSchema);
