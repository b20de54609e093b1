import { describe, expect, it } from 'vitest';
import { PendingTransactionDocSchema } from '../../../pipeline/contracts/documents.js';
import type { TransactionEvent } from '../../../pipeline/contracts/transaction-event.js';
import { SchemaError } from '../../../pipeline/runtime/index.js';
import { routeTransactions } from '../../../pipeline/topology/bolts/transaction-route.js';
import { renderPendingTransactionDoc, sightingVersion } from '../../../pipeline/topology/domain/render-pending-transaction-doc.js';
import { CONFIRMED_TRANSACTIONS, DOCUMENT_BATCHES } from '../../../pipeline/topology/streams.js';
import { recordingBasicCollector } from '../../support/fake-tuple.js';

const TXID = '0d4b8b1359bc4ec8ae77d50347826b27a55f8c6a9447228617b9beb10e0e9898';
const SEEN_MS = Date.UTC(2024, 0, 1, 10, 15, 30, 250);
const unconfirmed = { status: 'unconfirmed' as const, txid: TXID, output_total_sat: 322_080, fee_sat: 25_410, vsize: 164 };

function envelope(data: TransactionEvent['data'], eventTimeMs: number): TransactionEvent {
  const iso = new Date(eventTimeMs).toISOString();
  return { kind: 'transaction', schema_version: 1, source: 'test', event_time: iso, event_time_ms: eventTimeMs, ingest_time: iso, producer_id: 'test', data };
}

describe('renderPendingTransactionDoc', () => {
  it('renders the sighting: first-seen time, BTC of the outputs, fee rate', () => {
    const r = renderPendingTransactionDoc(unconfirmed, SEEN_MS);
    expect(PendingTransactionDocSchema.parse(r.doc)).toEqual(r.doc);
    expect(r.id).toBe(TXID);
    expect(r.doc).toEqual({
      '@timestamp': '2024-01-01T10:15:30.250Z',
      txid: TXID,
      output_total_sat: 322_080,
      output_total_btc: 0.0032208,
      fee_sat: 25_410,
      vsize: 164,
      fee_rate_sat_vb: 154.94,
    });
  });

  it('gives an earlier sighting a higher external version, so the earliest one wins in any order', () => {
    const earlier = renderPendingTransactionDoc(unconfirmed, SEEN_MS);
    const later = renderPendingTransactionDoc(unconfirmed, SEEN_MS + 1);
    expect(earlier.version).toBeGreaterThan(later.version);
    expect(later.version).toBeGreaterThan(0);
    expect(Number.isSafeInteger(earlier.version)).toBe(true);
    expect(renderPendingTransactionDoc(unconfirmed, SEEN_MS).version).toBe(earlier.version);
  });

  it.each([-1, 1.5, 2 ** 52, Number.NaN])('refuses the first-seen time %s with a SchemaError', (ms) => {
    expect(() => sightingVersion(ms)).toThrow(SchemaError);
  });
});

describe('routeTransactions', () => {
  const confirmed = {
    status: 'confirmed' as const,
    txid: TXID,
    block_height: 800_000,
    block_hash: 'a'.repeat(64),
    block_time: 1_690_168_629,
    index_in_block: 1,
    is_coinbase: false,
    outputs: [{ n: 0, value_sat: 5, address: null }],
    output_total_sat: 5,
  };

  it('sends the unconfirmed transactions of a batch to the index bolt as pending-transaction documents, in one tuple', () => {
    const c = recordingBasicCollector();
    routeTransactions([{ messageId: 'm1', event: envelope(unconfirmed, SEEN_MS) }], c);
    expect(c.emitted.map((e) => e.stream)).toEqual([DOCUMENT_BATCHES.id]);
    const { documents } = DOCUMENT_BATCHES.schema.parse(c.emitted[0]?.values);
    expect(documents).toEqual([{ index: 'pendingTransactions', ...renderPendingTransactionDoc(unconfirmed, SEEN_MS), messageId: 'm1' }]);
  });

  it('sends the confirmed transactions of a batch to the transaction state, in one tuple', () => {
    const c = recordingBasicCollector();
    routeTransactions([{ messageId: 'm1', event: envelope(confirmed, confirmed.block_time * 1000) }], c);
    expect(c.emitted).toEqual([{ stream: CONFIRMED_TRANSACTIONS.id, values: { transactions: [{ messageId: 'm1', tx: confirmed }] } }]);
  });

  it('splits a mixed batch into one tuple of each kind, each keeping its records in order with their messages', () => {
    const c = recordingBasicCollector();
    const second = { ...confirmed, txid: 'b'.repeat(64), index_in_block: 2 };
    routeTransactions(
      [
        { messageId: 'm1', event: envelope(confirmed, 1) },
        { messageId: 'm2', event: envelope(unconfirmed, SEEN_MS) },
        { messageId: 'm3', event: envelope(second, 1) },
      ],
      c,
    );
    expect(c.emitted.map((e) => e.stream)).toEqual([CONFIRMED_TRANSACTIONS.id, DOCUMENT_BATCHES.id]);
    expect(CONFIRMED_TRANSACTIONS.schema.parse(c.emitted[0]?.values).transactions.map((t) => [t.messageId, t.tx.txid])).toEqual([
      ['m1', TXID],
      ['m3', second.txid],
    ]);
    expect(DOCUMENT_BATCHES.schema.parse(c.emitted[1]?.values).documents.map((d) => d.messageId)).toEqual(['m2']);
  });

  it('emits nothing for an empty batch', () => {
    const c = recordingBasicCollector();
    routeTransactions([], c);
    expect(c.emitted).toEqual([]);
  });
});
