import type { Client } from '@elastic/elasticsearch';
import { PipelineError } from '../../pipeline/runtime/index.js';
import { sendBatchesInFlight } from '../batches-in-flight.js';
import { transactionDocuments, type VersionedTransactionDoc } from '../transaction-samples.js';

/** Bulk requests in flight at once (as the pipeline's two index tasks). */
const BULK_IN_FLIGHT = 2;

/** Elasticsearch rejected documents of a bulk request during a benchmark (the figure would be wrong). */
export class BulkRejectedError extends PipelineError {
  constructor(
    readonly index: string,
    readonly firstError: unknown,
  ) {
    super(`bulk into ${index} rejected documents`);
  }
}

/**
 * Elasticsearch `_bulk` alone: `count` `btc-transactions` documents (rendered by the pipeline's
 * own render function) indexed into `index` with external versions, as the index bolt writes
 * them, `bulkSize` documents a request and `BULK_IN_FLIGHT` requests in flight, no refresh.
 * Returns documents per second.
 */
export async function measureEsBulk(es: Client, index: string, count: number, bulkSize: number, seed: number): Promise<number> {
  const docs = await transactionDocuments(count, seed);
  const seconds = await sendBatchesInFlight(docs, { batchSize: bulkSize, inFlight: BULK_IN_FLIGHT }, (batch) => bulkIndexDocuments(es, index, batch));
  return count / seconds;
}

/**
 * Indexes `docs` into `index` in one `_bulk` request with external versions, no refresh, as the
 * index bolt writes them. An item refused with 409 (the same version again: a batch written
 * twice) changes nothing; any other refused item throws a `BulkRejectedError`.
 */
export async function bulkIndexDocuments(es: Client, index: string, docs: readonly VersionedTransactionDoc[]): Promise<void> {
  const operations = docs.flatMap((d) => [{ index: { _index: index, _id: d.id, version: d.version, version_type: 'external' as const } }, d.doc]);
  const response = await es.bulk({ operations, refresh: false });
  if (!response.errors) return;
  const rejected = response.items.find((item) => item.index?.error !== undefined && item.index.status !== 409);
  if (rejected) throw new BulkRejectedError(index, rejected.index?.error);
}
