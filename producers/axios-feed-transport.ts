import axios, { type AxiosInstance } from 'axios';
import { FeedTransportError } from './feed-errors.js';
import type { FeedResponse, FeedTransport } from './feed-transport.js';

/** `FeedTransport` over axios: GETs relative to `baseUrl`, the whole response within the timeout. */
export class AxiosFeedTransport implements FeedTransport {
  private readonly http: AxiosInstance;

  constructor(baseUrl: string) {
    this.http = axios.create({
      baseURL: baseUrl.replace(/\/+$/, ''),
      responseType: 'arraybuffer',
      validateStatus: () => true,
      maxRedirects: 3,
      transitional: { clarifyTimeoutError: true },
    });
  }

  async get(path: string, timeoutMs: number): Promise<FeedResponse> {
    try {
      const response = await this.http.get<ArrayBuffer>(path, { timeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
      const retryAfter: unknown = response.headers['retry-after'];
      return { status: response.status, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined, body: Buffer.from(response.data) };
    } catch (err) {
      throw new FeedTransportError({ path, kind: isTimeout(err) ? 'timeout' : 'network' }, { cause: err });
    }
  }
}

function isTimeout(err: unknown): boolean {
  if (axios.isAxiosError(err)) return err.code === 'ETIMEDOUT' || err.code === 'ECONNABORTED' || err.code === 'ERR_CANCELED';
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}
