import { NonRetriableError, RetriableError } from '../pipeline/runtime/index.js';

/** How a feed request failed. */
export type FeedFailureKind = 'network' | 'timeout' | 'server-error' | 'rate-limited' | 'client-error';

/** One attempt at a feed request got no HTTP answer (network error or timeout). */
export class FeedTransportError extends RetriableError {
  readonly path: string;
  readonly kind: 'network' | 'timeout';

  constructor(data: { path: string; kind: 'network' | 'timeout' }, options: { cause?: unknown } = {}) {
    super(`feed request got no answer: ${data.path} (${data.kind})`, options);
    this.path = data.path;
    this.kind = data.kind;
  }
}

/** A feed request that failed after its retries (or at once, for a 4xx other than 429). */
export class FeedRequestError extends RetriableError {
  readonly feed: string;
  readonly path: string;
  readonly kind: FeedFailureKind;
  /** HTTP status, or null when no response arrived. */
  readonly status: number | null;
  readonly attempts: number;

  constructor(data: { feed: string; path: string; kind: FeedFailureKind; status: number | null; attempts: number }, options: { cause?: unknown } = {}) {
    super(`feed request failed: ${data.feed} ${data.path} (${data.kind}${data.status === null ? '' : ` ${data.status}`}, ${data.attempts} attempts)`, options);
    this.feed = data.feed;
    this.path = data.path;
    this.kind = data.kind;
    this.status = data.status;
    this.attempts = data.attempts;
  }
}

/** A feed answered, but with a body that does not parse as what the API documents. */
export class MalformedResponseError extends NonRetriableError {
  readonly feed: string;
  readonly path: string;
  /** The body as received (UTF-8 text, truncated to 64 KiB). */
  readonly body: string;

  constructor(data: { feed: string; path: string; body: string; problem: string }, options: { cause?: unknown } = {}) {
    super(`malformed response from ${data.feed} ${data.path}: ${data.problem}`, options);
    this.feed = data.feed;
    this.path = data.path;
    this.body = data.body.length > 65_536 ? data.body.slice(0, 65_536) : data.body;
  }
}
