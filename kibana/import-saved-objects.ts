import { z } from 'zod';
import type { KibanaAuth } from './import-options.js';
import { KibanaImportError } from './kibana-import-error.js';
import { parseSavedObjectsNdjson } from './saved-object.js';

/**
 * Imports an NDJSON export through Kibana's saved objects API:
 * `POST {url}[/s/{space}]/api/saved_objects/_import?overwrite=true`, header `kbn-xsrf`, multipart
 * field `file`. With `overwrite=true` a re-import replaces the same ids, so it is harmless.
 */

const ImportResponseSchema = z.object({
  success: z.boolean(),
  successCount: z.number().int().nonnegative(),
  successResults: z
    .array(
      z.object({
        type: z.string(),
        id: z.string(),
        destinationId: z.string().optional(),
        meta: z.object({ title: z.string().optional() }).partial().optional(),
      }),
    )
    .optional(),
  errors: z
    .array(
      z.object({
        type: z.string(),
        id: z.string(),
        title: z.string().optional(),
        meta: z.object({ title: z.string().optional() }).partial().optional(),
        error: z
          .object({
            type: z.string(),
            message: z.string().optional(),
            statusCode: z.number().optional(),
            references: z.array(z.object({ type: z.string(), id: z.string() })).optional(),
          })
          .passthrough(),
      }),
    )
    .optional(),
});

/** The outcome for one saved object of the file. */
export interface ImportedObject {
  type: string;
  id: string;
  title: string;
  ok: boolean;
  /** Why it failed, when it did. */
  error?: string;
}

/** The outcome of one import. */
export interface ImportReport {
  /** Kibana's own verdict, and every object of the file reported as imported. */
  success: boolean;
  successCount: number;
  objects: ImportedObject[];
}

/** What `importSavedObjects` needs. */
export interface ImportRequest {
  /** Kibana base URL (with base path, without `/api`). */
  url: string;
  auth?: KibanaAuth;
  space?: string;
  /** Content of the export. */
  ndjson: string;
  /** File name sent in the multipart part; must end with `.ndjson`. */
  fileName: string;
  /** Default 30000. */
  timeoutMs?: number;
}

/** The import endpoint for a Kibana base URL and optional space. */
export function importUrl(base: string, space?: string): string {
  const root = base.replace(/\/+$/, '');
  return `${root}${space ? `/s/${encodeURIComponent(space)}` : ''}/api/saved_objects/_import?overwrite=true`;
}

/** The `Authorization` header value for the credentials. */
export function authorizationHeader(auth: KibanaAuth): string {
  return 'apiKey' in auth ? `ApiKey ${auth.apiKey}` : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}

function describeError(e: NonNullable<z.infer<typeof ImportResponseSchema>['errors']>[number]['error']): string {
  const refs = e.references?.map((r) => `${r.type}/${r.id}`).join(', ');
  return [e.type, e.message, refs ? `missing: ${refs}` : undefined, e.statusCode ? `status ${e.statusCode}` : undefined]
    .filter((x) => x !== undefined && x !== '')
    .join(': ');
}

/**
 * Sends the export to Kibana and reports each object of the file. Throws `KibanaImportError` when
 * Kibana cannot be reached, answers with an HTTP error, or answers something else than an import
 * result; returns a report with `success: false` when Kibana rejected some objects.
 */
export async function importSavedObjects(request: ImportRequest): Promise<ImportReport> {
  if (!request.fileName.endsWith('.ndjson')) {
    throw new KibanaImportError('the file name must end with .ndjson', { url: request.url });
  }
  const objects = parseSavedObjectsNdjson(request.ndjson);
  const url = importUrl(request.url, request.space);
  const form = new FormData();
  form.append('file', new Blob([request.ndjson], { type: 'application/ndjson' }), request.fileName);
  const headers: Record<string, string> = { 'kbn-xsrf': 'true', accept: 'application/json' };
  if (request.auth) headers.authorization = authorizationHeader(request.auth);

  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body: form, signal: AbortSignal.timeout(request.timeoutMs ?? 30_000) });
  } catch (err) {
    throw new KibanaImportError('kibana did not answer', { url, retriable: true }, { cause: err });
  }
  const text = await response.text();
  const excerpt = text.slice(0, 500);
  if (!response.ok) {
    const hint =
      response.status === 401
        ? ' (check --api-key or --user/--password)'
        : response.status === 403
          ? ' (the user may not write saved objects in this space)'
          : '';
    throw new KibanaImportError(`kibana answered HTTP ${response.status}${hint}`, {
      url,
      status: response.status,
      responseExcerpt: excerpt,
      retriable: response.status >= 500 || response.status === 429,
    });
  }
  let parsed: z.infer<typeof ImportResponseSchema>;
  try {
    parsed = ImportResponseSchema.parse(JSON.parse(text));
  } catch (err) {
    throw new KibanaImportError(
      'kibana answered something else than an import result',
      { url, status: response.status, responseExcerpt: excerpt },
      { cause: err },
    );
  }

  const key = (type: string, id: string) => `${type}/${id}`;
  const succeeded = new Set((parsed.successResults ?? []).map((r) => key(r.type, r.id)));
  const failed = new Map((parsed.errors ?? []).map((e) => [key(e.type, e.id), describeError(e.error)]));
  const report: ImportedObject[] = objects.map((o) => {
    const k = key(o.type, o.id);
    const title = typeof o.attributes.title === 'string' ? o.attributes.title : '';
    const error = failed.get(k);
    if (error !== undefined) return { type: o.type, id: o.id, title, ok: false, error };
    if (succeeded.has(k)) return { type: o.type, id: o.id, title, ok: true };
    return { type: o.type, id: o.id, title, ok: false, error: 'not reported by kibana' };
  });
  return { success: parsed.success && report.every((o) => o.ok), successCount: parsed.successCount, objects: report };
}
