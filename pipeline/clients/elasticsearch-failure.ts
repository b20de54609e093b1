import { errors } from '@elastic/elasticsearch';

/**
 * What an Elasticsearch failure means for the work that met it, classified by meaning and never by
 * where it was thrown:
 * - retriable: the cluster could not take the write now (no connection, a timeout, 408, 429, 5xx,
 *   a cluster or index block, unavailable shards, a missing index, a full queue or a tripped
 *   circuit breaker, credentials refused); the same write succeeds once the cluster is back;
 * - not retriable: Elasticsearch itself rejected this one document (a mapping or parse error, a
 *   strict-mapping violation); no retry can change that, so the record is dead-lettered.
 */
export interface EsFailure {
  retriable: boolean;
  /** HTTP status, or null when no answer came (connection refused, reset, timed out). */
  status: number | null;
  /** Elasticsearch's error type when it gave one (`mapper_parsing_exception`), else the client error's name. */
  type: string;
  reason: string;
}

/** Error types that say the cluster, not the document, is the problem (whatever their status). */
const UNAVAILABLE_TYPES: ReadonlySet<string> = new Set([
  'cluster_block_exception',
  'unavailable_shards_exception',
  'no_shard_available_action_exception',
  'primary_missing_action_exception',
  'shard_not_found_exception',
  'illegal_index_shard_state_exception',
  'index_not_found_exception',
  'index_closed_exception',
  'es_rejected_execution_exception',
  'circuit_breaking_exception',
  'master_not_discovered_exception',
  'process_cluster_event_timeout_exception',
  'node_not_connected_exception',
  'node_disconnected_exception',
  'connect_transport_exception',
  'receive_timeout_transport_exception',
  'no_node_available_exception',
  'timeout_exception',
  'security_exception',
]);

/** Whether an HTTP status means "not now" rather than "never" (0 is the client's "no answer"). */
export function isUnavailableStatus(status: number): boolean {
  return status === 0 || status === 401 || status === 403 || status === 408 || status === 429 || status >= 500;
}

/** Classifies the failure of one item of a bulk response (any status but 200, 201 and 409). */
export function classifyBulkItemFailure(status: number, error: { type?: string | null; reason?: string | null } | undefined): EsFailure {
  const type = error?.type ?? `status_${status}`;
  const reason = error?.reason ?? `status ${status}`;
  const retriable = isUnavailableStatus(status) || UNAVAILABLE_TYPES.has(type);
  return { retriable, status, type, reason };
}

/**
 * Classifies an error thrown by a whole request. A request that failed as a whole says nothing
 * against any one document, so it is retriable unless Elasticsearch answered with a parse error
 * about the content itself (a 400 whose type names the document).
 */
export function classifyRequestError(err: unknown): EsFailure {
  if (err instanceof errors.ResponseError) {
    const status = err.meta.statusCode ?? 0;
    const body = err.meta.body as { error?: { type?: string; reason?: string } } | undefined;
    const type = body?.error?.type ?? `status_${status}`;
    const reason = body?.error?.reason ?? err.message;
    const documentRejected = status === 400 && DOCUMENT_TYPES.has(type);
    return { retriable: !documentRejected, status, type, reason };
  }
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  // ConnectionError, NoLivingConnectionsError, TimeoutError, RequestAbortedError, and anything
  // unknown: no answer about the document came back.
  return { retriable: true, status: null, type: name, reason: message };
}

/** 400 error types that are about the content sent, not about the cluster. */
const DOCUMENT_TYPES: ReadonlySet<string> = new Set([
  'mapper_parsing_exception',
  'document_parsing_exception',
  'strict_dynamic_mapping_exception',
  'illegal_argument_exception',
  'version_conflict_engine_exception',
]);
