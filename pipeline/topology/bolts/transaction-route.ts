import type { TransactionEvent } from '../../contracts/transaction-event.js';
import { renderPendingTransactionDoc } from '../domain/render-pending-transaction-doc.js';
import { indexRequest } from './index-request.js';
import { PENDING_STREAM } from './streams.js';
import type { ValidRoute } from './validate-bolt.js';

/**
 * Where a valid transaction event goes: a confirmed one to the transaction state (default stream,
 * `{ txid, tx }`); an unconfirmed one never counts in the results and goes straight to the index
 * bolt as its pending-transaction document (`PENDING_STREAM`, an `IndexRequest`).
 */
export function routeTransaction(event: TransactionEvent): ValidRoute {
  if (event.data.status === 'confirmed') return { values: { txid: event.data.txid, tx: event.data } };
  return { stream: PENDING_STREAM, values: indexRequest('pendingTransactions', renderPendingTransactionDoc(event.data, event.event_time_ms)) };
}
