import type { IndexKey } from '../../contracts/names.js';
import type { IndexRequest } from '../../contracts/topology-streams.js';
import type { Values } from '../../runtime/index.js';

/** Output fields of a stream of `IndexRequest`s. */
export const INDEX_REQUEST_FIELDS = ['index', 'id', 'version', 'doc'] as const;

/** The tuple values of a document write. */
export function indexRequest(index: IndexKey, rendered: { id: string; version: number; doc: object }): Values {
  const request: IndexRequest = { index, id: rendered.id, version: rendered.version, doc: rendered.doc as Record<string, unknown> };
  return request;
}
