import type { Logger } from 'pino';
import { backoffDelayMs, type Clock } from '../pipeline/runtime/index.js';
import { AxiosFeedTransport } from './axios-feed-transport.js';
import { FeedRequestError, FeedTransportError, MalformedResponseError, type FeedFailureKind } from './feed-errors.js';
import type { FeedTransport } from './feed-transport.js';
import type { ProducerMetrics } from './producer-metrics.js';
import { retryAfterMs } from './retry-after.js';

/** The GET calls feed clients make; `FeedHttpClient` in production, a stub in unit tests. */
export interface FeedGetter {
  getBytes(path: string): Promise<Buffer>;
  getText(path: string): Promise<string>;
  getJson(path: string): Promise<unknown>;
}

/** Options of `FeedHttpClient`. */
export interface FeedHttpClientOptions {
  /** Feed name for logs and metrics, e.g. `esplora`, `kraken`. */
  feed: string;
  baseUrl: string;
  /** Timeout of one attempt, whole response included. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  clock: Clock;
  log: Logger;
  metrics: ProducerMetrics;
  /** Source of jitter; default `Math.random`. */
  random?: () => number;
  /** How requests go out; default `AxiosFeedTransport` on `baseUrl`. */
  transport?: FeedTransport;
}

/**
 * GET requests to one feed with retries: network errors, timeouts, 5xx and 429 are retried with
 * exponential backoff and jitter (a 429's `Retry-After` is honoured, capped at the backoff
 * maximum); other 4xx fail at once. Delays are the runtime's backoff (exponential, full jitter,
 * `backoffBaseMs`..`backoffMaxMs`). Each retry is logged at warn and counted; the final failure
 * is a `FeedRequestError` for the caller to log once.
 */
export class FeedHttpClient implements FeedGetter {
  private readonly transport: FeedTransport;
  private readonly random: () => number;

  constructor(private readonly options: FeedHttpClientOptions) {
    this.transport = options.transport ?? new AxiosFeedTransport(options.baseUrl);
    this.random = options.random ?? Math.random;
  }

  /** The response body as bytes. */
  async getBytes(path: string): Promise<Buffer> {
    return this.request(path);
  }

  /** The response body as UTF-8 text. */
  async getText(path: string): Promise<string> {
    return (await this.request(path)).toString('utf8');
  }

  /** The response body parsed as JSON; a body that is not JSON is a `MalformedResponseError`. */
  async getJson(path: string): Promise<unknown> {
    const body = await this.getText(path);
    try {
      return JSON.parse(body);
    } catch (cause) {
      throw new MalformedResponseError({ feed: this.options.feed, path, body, problem: 'body is not JSON' }, { cause });
    }
  }

  private async request(path: string): Promise<Buffer> {
    const { feed, retries, log, metrics } = this.options;
    for (let attempt = 1; ; attempt++) {
      let kind: FeedFailureKind;
      let status: number | null = null;
      let cause: unknown;
      let waitMs: number | null = null;
      try {
        const response = await this.transport.get(path, this.options.timeoutMs);
        status = response.status;
        if (status >= 200 && status < 300) return response.body;
        kind = status === 429 ? 'rate-limited' : status >= 500 ? 'server-error' : 'client-error';
        if (status === 429) waitMs = retryAfterMs(response.retryAfter, this.options.clock.nowMs());
      } catch (err) {
        if (!(err instanceof FeedTransportError)) throw err;
        cause = err;
        kind = err.kind;
      }
      metrics.httpFailures.inc({ feed, kind });
      if (kind === 'client-error' || attempt > retries) {
        throw new FeedRequestError({ feed, path, kind, status, attempts: attempt }, { cause });
      }
      const backoff = backoffDelayMs(attempt, { baseMs: this.options.backoffBaseMs, maxMs: this.options.backoffMaxMs }, this.random);
      const delayMs = waitMs === null ? backoff : Math.min(this.options.backoffMaxMs, Math.max(waitMs, backoff));
      metrics.httpRetries.inc({ feed });
      log.warn({ feed, path, kind, status, attempt, delayMs }, 'feed request failed; retrying');
      await new Promise<void>((resolve) => this.options.clock.setTimer(delayMs, resolve));
    }
  }
}
