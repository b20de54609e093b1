import type { TransactionEvent } from '../../contracts/transaction-event.js';
import type { BasicOutputCollector } from '../../runtime/index.js';
import { renderPendingTransactionDoc } from '../domain/render-pending-transaction-doc.js';
import { CONFIRMED_TRANSACTIONS, DOCUMENTS } from '../streams.js';
import { indexRequest } from './index-request.js';

/**
 * Where a valid transaction event goes: a confirmed one to the transaction state
 * (`CONFIRMED_TRANSACTIONS`); an unconfirmed one never counts in the results and goes straight to
 * the index bolt as its pending-transaction document (`DOCUMENTS`).
 */
export function routeTransaction(event: TransactionEvent, collector: BasicOutputCollector): void {
  if (event.data.status === 'confirmed') collector.emit(CONFIRMED_TRANSACTIONS, { txid: event.data.txid, tx: event.data });
  else collector.emit(DOCUMENTS, indexRequest('pendingTransactions', renderPendingTransactionDoc(event.data, event.event_time_ms)));
}
