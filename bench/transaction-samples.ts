import type { TransactionDoc } from '../pipeline/contracts/documents.js';
import type { ConfirmedTxData, TransactionEvent } from '../pipeline/contracts/transaction-event.js';
import { systemClock } from '../pipeline/runtime/index.js';
import { renderTransactionDoc } from '../pipeline/topology/domain/render-transaction-doc.js';
import { canonicalJson } from '../producers/canonical-json.js';
import { EventBuilder } from '../producers/event-builder.js';
import type { OutgoingRecord } from '../producers/event-publisher.js';
import { LOADGEN_PRODUCER_ID, loadTemplates, SyntheticTransactions, type TransactionTemplates } from '../producers/load-generator.js';

/** The recorded data whose transactions `npm run loadgen` resamples. */
export const SAMPLE_DATA_DIR = 'data/sample';

let templates: Promise<TransactionTemplates> | undefined;

/**
 * Real-shaped confirmed transaction events, as `npm run loadgen` makes them (resampled recorded
 * outputs, fresh txids for `seed`, a synthetic block every 2,500), with the current time.
 */
export async function transactionEvents(count: number, seed: number): Promise<TransactionEvent[]> {
  const builder = new EventBuilder({ producerId: LOADGEN_PRODUCER_ID, source: 'loadgen', clock: systemClock });
  return (await confirmedTransactions(count, seed)).map((tx) => builder.confirmedTransaction(tx));
}

/** The transactions of `transactionEvents`, without their envelopes. */
async function confirmedTransactions(count: number, seed: number): Promise<ConfirmedTxData[]> {
  templates ??= loadTemplates(SAMPLE_DATA_DIR);
  const synthetic = new SyntheticTransactions(await templates, seed);
  const timeSec = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, () => synthetic.next(timeSec));
}

/** The Kafka records of `transactionEvents` as the producers write them (key txid, canonical JSON). */
export async function transactionRecords(count: number, seed: number): Promise<OutgoingRecord[]> {
  return (await transactionEvents(count, seed)).map((e) => ({ key: e.data.txid, value: canonicalJson(e) }));
}

/** A price the documents are rendered at, so that their EUR fields are filled as in production. */
const PRICE = { t: 1_700_000_000, price: '35000.12', source: 'kraken' };

/** A `btc-transactions` document with its id and external version. */
export interface VersionedTransactionDoc {
  id: string;
  version: number;
  doc: TransactionDoc;
}

/** The `btc-transactions` document of a confirmed transaction, with its id and external version, as the index bolt writes it. */
export function transactionDocument(data: ConfirmedTxData): VersionedTransactionDoc {
  return renderTransactionDoc(
    {
      txid: data.txid,
      blockHash: data.block_hash,
      blockHeight: data.block_height,
      blockTime: data.block_time,
      indexInBlock: data.index_in_block,
      outputCount: data.outputs.length,
      outputTotalSat: BigInt(data.output_total_sat),
      orphaned: false,
      statusRev: 0,
    },
    PRICE,
  );
}

/** The `btc-transactions` documents of `transactionEvents`, with ids and external versions, as the index bolt writes them. */
export async function transactionDocuments(count: number, seed: number): Promise<VersionedTransactionDoc[]> {
  return (await confirmedTransactions(count, seed)).map(transactionDocument);
}
