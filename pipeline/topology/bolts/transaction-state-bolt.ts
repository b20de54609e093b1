import type { BatchBolt, BatchOutputCollector, Tuple } from '../../runtime/index.js';
import { renderTransactionDoc } from '../domain/render-transaction-doc.js';
import type { AnalyticsState } from '../state/analytics-state.js';
import { CONFIRMED_TRANSACTIONS, DOCUMENTS } from '../streams.js';
import { indexRequest } from './index-request.js';

/** The part of the analytics state this bolt uses. */
export type TransactionStore = Pick<AnalyticsState, 'applyTransactions'>;

/**
 * Counts each confirmed transaction of a batch once in its hour (by txid under its block: a
 * replay changes nothing), all in one state script, and emits each one's `btc-transactions`
 * document, anchored to its input and priced with the latest known point at or before its block
 * time; the script marks the hours it changed dirty (the aggregates' outbox).
 * Input: `CONFIRMED_TRANSACTIONS`; output: `DOCUMENTS`.
 */
export class TransactionStateBolt implements BatchBolt {
  constructor(private readonly store: TransactionStore) {}

  async executeBatch(tuples: readonly Tuple[], collector: BatchOutputCollector): Promise<void> {
    const results = await this.store.applyTransactions(tuples.map((t) => CONFIRMED_TRANSACTIONS.of(t).tx));
    for (const [i, result] of results.entries()) {
      collector.emit(DOCUMENTS, indexRequest('transactions', renderTransactionDoc(result.facts, result.price)), { anchor: tuples[i] as Tuple });
    }
  }
}
