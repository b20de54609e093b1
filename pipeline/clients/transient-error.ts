import { errors as esErrors } from '@elastic/elasticsearch';
import { classifyRequestError } from './elasticsearch-failure.js';

/** Socket error codes that mean "the service is not there right now". */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTCONN', 'EAI_AGAIN']);

/**
 * Whether an error from Kafka, Elasticsearch or Redis means the service is unavailable for now
 * (so a caller with a deadline should try again) rather than that the request itself is wrong:
 * - kafkajs: the error's `retriable` flag, also through its `cause` chain: kafkajs's "retries
 *   exceeded" wrapper (`KafkaJSNumberOfRetriesExceeded`) is not retriable itself, but what it gave
 *   up on often was (a moved group coordinator, a leader election, a refused connection);
 * - Elasticsearch: `classifyRequestError` (no connection, timeouts, 429, 5xx, blocks);
 * - Redis and sockets: refused, reset or timed-out connections, ioredis's closed connection and
 *   exhausted per-request retries.
 */
export function isTransientError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth += 1) {
    if (e instanceof esErrors.ElasticsearchClientError) return classifyRequestError(e).retriable;
    const { retriable, code } = e as { retriable?: unknown; code?: unknown };
    if (retriable === true) return true;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    if (e.name === 'MaxRetriesPerRequestError' || e.message === 'Connection is closed.') return true;
  }
  return false;
}
