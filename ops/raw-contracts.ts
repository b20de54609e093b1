import type { z } from 'zod';
import { type BlockEvent, BlockEventSchema } from '../pipeline/contracts/block-event.js';
import { decodeJson } from '../pipeline/contracts/envelope.js';
import type { RawFeed } from '../pipeline/contracts/names.js';
import { type PriceEvent, PriceEventSchema } from '../pipeline/contracts/price-event.js';
import { type TransactionEvent, TransactionEventSchema } from '../pipeline/contracts/transaction-event.js';
import { SchemaError } from '../pipeline/runtime/index.js';

/** The event type of each raw topic. */
export interface RawEvents {
  blocks: BlockEvent;
  transactions: TransactionEvent;
  prices: PriceEvent;
}

/** The zod contract of each raw topic, named as the topology's validate bolts name it. */
const CONTRACTS: { [F in RawFeed]: { schemaName: string; schema: z.ZodType<RawEvents[F]> } } = {
  blocks: { schemaName: 'block event', schema: BlockEventSchema },
  transactions: { schemaName: 'transaction event', schema: TransactionEventSchema },
  prices: { schemaName: 'price event', schema: PriceEventSchema },
};

/** The event of a raw record (UTF-8 JSON), or null when it is not valid: what the topology dead-letters. */
export function parseRawRecord<F extends RawFeed>(feed: F, value: Buffer | string | null): RawEvents[F] | null {
  const { schemaName, schema } = CONTRACTS[feed];
  try {
    return decodeJson(schemaName, schema, value);
  } catch (err) {
    if (err instanceof SchemaError) return null;
    throw err;
  }
}
