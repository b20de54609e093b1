/** One HTTP answer, whatever its status, as the retry logic of `FeedHttpClient` sees it. */
export interface FeedResponse {
  status: number;
  /** The `Retry-After` header, when present. */
  retryAfter: string | undefined;
  body: Buffer;
}

/**
 * How `FeedHttpClient` reaches a feed: one GET, one attempt, no retry. Resolves with any HTTP
 * answer; rejects with a `FeedTransportError` when no answer arrived (network error, timeout).
 * `AxiosFeedTransport` in production; unit tests script the answers.
 */
export interface FeedTransport {
  get(path: string, timeoutMs: number): Promise<FeedResponse>;
}
