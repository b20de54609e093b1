import { PipelineError } from '../pipeline/runtime/index.js';

/**
 * Kibana refused or could not take an import: no answer, an HTTP error status, or an answer that
 * is not the saved objects import response. Never carries credentials.
 */
export class KibanaImportError extends PipelineError {
  /** The request URL without credentials. */
  readonly url: string;
  /** HTTP status, when Kibana answered. */
  readonly status: number | undefined;
  /** The start of the response body, when Kibana answered. */
  readonly responseExcerpt: string | undefined;

  constructor(message: string, details: { url: string; status?: number; responseExcerpt?: string; retriable?: boolean }, options: { cause?: unknown } = {}) {
    super(message, { retriable: details.retriable ?? false, cause: options.cause });
    this.url = details.url;
    this.status = details.status;
    this.responseExcerpt = details.responseExcerpt;
  }
}
