import type { TransactionEvent } from '../../contracts/transaction-event.js';
import type { BasicOutputCollector } from '../../runtime/index.js';
import { renderPendingTransactionDoc } from '../domain/render-pending-transaction-doc.js';
import { CONFIRMED_TRANSACTIONS, DOCUMENT_BATCHES } from '../streams.js';
import { indexRequest } from './index-request.js';
import type { BatchEvent } from './validate-batch-bolt.js';

/**
 * Where the valid transaction events of a record batch go: the confirmed ones to the transaction
 * state (`CONFIRMED_TRANSACTIONS`, one tuple); the unconfirmed ones never count in the results
 * and go straight to the index bolt as their pending-transaction documents (`DOCUMENT_BATCHES`,
 * one tuple). An empty part emits nothing.
 */
export function routeTransactions(events: readonly BatchEvent<TransactionEvent>[], collector: BasicOutputCollector): void {
  const transactions = [];
  const documents = [];
  for (const { messageId, event } of events) {
    const tx = event.data;
    if (tx.status === 'confirmed') transactions.push({ messageId, tx });
    else documents.push({ ...indexRequest('pendingTransactions', renderPendingTransactionDoc(tx, event.event_time_ms)), messageId });
  }
  if (transactions.length > 0) collector.emit(CONFIRMED_TRANSACTIONS, { transactions });
  if (documents.length > 0) collector.emit(DOCUMENT_BATCHES, { documents });
}
