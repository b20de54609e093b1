import type { BatchBolt, BatchOutputCollector, Tuple } from '../../runtime/index.js';
import { renderTransactionDoc } from '../domain/render-transaction-doc.js';
import type { AnalyticsState } from '../state/analytics-state.js';
import { CONFIRMED_TRANSACTIONS, DOCUMENT_BATCHES } from '../streams.js';
import { indexRequest } from './index-request.js';

/** The part of the analytics state this bolt uses. */
export type TransactionStore = Pick<AnalyticsState, 'applyTransactions'>;

/**
 * Counts each confirmed transaction of the record batches it receives once in its hour (by txid
 * under its block: a replay changes nothing), all in one state script, and emits each batch's
 * `btc-transactions` documents in one tuple anchored to that batch, each priced with the latest
 * known point at or before its block time; the script marks the hours it changed dirty (the
 * aggregates' outbox). Input: `CONFIRMED_TRANSACTIONS`; output: `DOCUMENT_BATCHES`.
 */
export class TransactionStateBolt implements BatchBolt {
  constructor(private readonly store: TransactionStore) {}

  async executeBatch(tuples: readonly Tuple[], collector: BatchOutputCollector): Promise<void> {
    const batches = tuples.map((t) => CONFIRMED_TRANSACTIONS.of(t).transactions);
    const results = await this.store.applyTransactions(batches.flatMap((batch) => batch.map((t) => t.tx)));
    let next = 0;
    for (const [i, batch] of batches.entries()) {
      const documents = batch.map(({ messageId }) => {
        const result = results[next++] as (typeof results)[number];
        return { ...indexRequest('transactions', renderTransactionDoc(result.facts, result.price)), messageId };
      });
      collector.emit(DOCUMENT_BATCHES, { documents }, { anchor: tuples[i] as Tuple });
    }
  }
}
