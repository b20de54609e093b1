import type { PendingTransactionDoc } from '../../contracts/documents.js';
import type { UnconfirmedTxData } from '../../contracts/transaction-event.js';
import { SchemaError } from '../../runtime/index.js';
import { btcNumber } from './amounts.js';

/** Versions count down from here (2^52 ms is year 144,683; the result stays a safe integer). */
const SIGHTING_VERSION_BASE = 2 ** 52;

/**
 * External version of a sighting: the earlier the sighting, the higher the version. A transaction
 * seen again later (another producer, an expired dedup key, a replay in any order) is a 409, so
 * its document always holds the earliest sighting whatever order the writes arrive in.
 */
export function sightingVersion(firstSeenMs: number): number {
  if (!Number.isSafeInteger(firstSeenMs) || firstSeenMs < 0 || firstSeenMs >= SIGHTING_VERSION_BASE) {
    throw new SchemaError('unconfirmed transaction event', [{ path: 'event_time_ms', message: `not a usable first-seen time: ${firstSeenMs}` }]);
  }
  return SIGHTING_VERSION_BASE - firstSeenMs;
}

/** The `btc-pending-transactions` document of an unconfirmed transaction first seen at `firstSeenMs`. */
export function renderPendingTransactionDoc(data: UnconfirmedTxData, firstSeenMs: number): { id: string; version: number; doc: PendingTransactionDoc } {
  return {
    id: data.txid,
    version: sightingVersion(firstSeenMs),
    doc: {
      '@timestamp': new Date(firstSeenMs).toISOString(),
      txid: data.txid,
      output_total_sat: data.output_total_sat,
      output_total_btc: btcNumber(data.output_total_sat),
      fee_sat: data.fee_sat,
      vsize: data.vsize,
      fee_rate_sat_vb: Math.round((data.fee_sat / data.vsize) * 100) / 100,
    },
  };
}
