import axios, { type AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { Clock } from '../pipeline/runtime/clock.js';
import { backoffDelay, retryAfterMs } from './backoff.js';
import { FeedRequestError, MalformedResponseError, type FeedFailureKind } from './feed-errors.js';
import type { ProducerMetrics } from './producer-metrics.js';

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
}

/**
 * GET requests to one feed with retries: network errors, timeouts, 5xx and 429 are retried with
 * exponential backoff and jitter (a 429's `Retry-After` is honoured, capped at the backoff
 * maximum); other 4xx fail at once. Each retry is logged at warn and counted; the final failure
 * is a `FeedRequestError` for the caller to log once.
 */
export class FeedHttpClient implements FeedGetter {
  private readonly http: AxiosInstance;
  private readonly random: () => number;

  constructor(private readonly options: FeedHttpClientOptions) {
    this.http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      responseType: 'arraybuffer',
      validateStatus: () => true,
      maxRedirects: 3,
      transitional: { clarifyTimeoutError: true },
    });
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
        const response = await this.http.get<ArrayBuffer>(path, {
          timeout: this.options.timeoutMs,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        status = response.status;
        if (status >= 200 && status < 300) return Buffer.from(response.data);
        kind = status === 429 ? 'rate-limited' : status >= 500 ? 'server-error' : 'client-error';
        if (status === 429) waitMs = retryAfterMs(response.headers['retry-after'], this.options.clock.nowMs());
      } catch (err) {
        cause = err;
        kind = isTimeout(err) ? 'timeout' : 'network';
      }
      metrics.httpFailures.inc({ feed, kind });
      if (kind === 'client-error' || attempt > retries) {
        throw new FeedRequestError({ feed, path, kind, status, attempts: attempt }, { cause });
      }
      const backoff = backoffDelay(attempt, { baseMs: this.options.backoffBaseMs, maxMs: this.options.backoffMaxMs }, this.random);
      const delayMs = waitMs === null ? backoff : Math.min(this.options.backoffMaxMs, Math.max(waitMs, backoff));
      metrics.httpRetries.inc({ feed });
      log.warn({ feed, path, kind, status, attempt, delayMs }, 'feed request failed; retrying');
      await new Promise<void>((resolve) => this.options.clock.setTimer(delayMs, resolve));
    }
  }
}

function isTimeout(err: unknown): boolean {
  if (axios.isAxiosError(err)) return err.code === 'ETIMEDOUT' || err.code === 'ECONNABORTED' || err.code === 'ERR_CANCELED';
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}
