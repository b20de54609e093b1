import type { IndexKey } from '../../contracts/names.js';
import type { IndexRequest } from '../../contracts/topology-streams.js';

/** The `DOCUMENTS` values of a rendered document's write. */
export function indexRequest(index: IndexKey, rendered: { id: string; version: number; doc: object }): IndexRequest {
  return { index, id: rendered.id, version: rendered.version, doc: rendered.doc as Record<string, unknown> };
}
