import type { ConfirmedTxData } from '../../contracts/transaction-event.js';
import type { BasicBolt, BasicOutputCollector, Tuple } from '../../runtime/index.js';
import { renderTransactionDoc } from '../domain/render-transaction-doc.js';
import type { AnalyticsState } from '../state/analytics-state.js';
import { indexRequest } from './index-request.js';

/** The part of the analytics state this bolt uses. */
export type TransactionStore = Pick<AnalyticsState, 'applyTransaction'>;

/**
 * Counts a confirmed transaction once in its hour (by txid under its block: a replay changes
 * nothing) and emits its `btc-transactions` document, priced with the latest known point at or
 * before its block time, and the hour aggregate if it changed (on `dirty`).
 * Input: `{ txid, tx }` (`ConfirmedTxData`).
 */
export class TransactionStateBolt implements BasicBolt {
  constructor(private readonly store: TransactionStore) {}

  async execute(tuple: Tuple, collector: BasicOutputCollector): Promise<void> {
    const tx = tuple.get<ConfirmedTxData>('tx');
    const result = await this.store.applyTransaction(tx);
    collector.emit(indexRequest('transactions', renderTransactionDoc(result.facts, result.price)));
  }
}
