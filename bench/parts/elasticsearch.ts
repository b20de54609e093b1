import type { Client } from '@elastic/elasticsearch';
import { PipelineError } from '../../pipeline/runtime/index.js';
import { sendBatchesInFlight } from '../batches-in-flight.js';
import { transactionDocuments } from '../transaction-samples.js';

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
  const seconds = await sendBatchesInFlight(docs, { batchSize: bulkSize, inFlight: BULK_IN_FLIGHT }, async (batch) => {
    const operations = batch.flatMap((d) => [{ index: { _index: index, _id: d.id, version: d.version, version_type: 'external' as const } }, d.doc]);
    const response = await es.bulk({ operations, refresh: false });
    if (response.errors) throw new BulkRejectedError(index, response.items.find((i) => i.index?.error)?.index?.error);
  });
  return count / seconds;
}
