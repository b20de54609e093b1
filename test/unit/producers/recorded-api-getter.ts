import type { RecordedFeedApi } from '../../../producers/feed-server/recorded-feed-api.js';
import { FeedRequestError } from '../../../producers/feed-errors.js';
import type { FeedGetter } from '../../../producers/feed-http-client.js';

/** A `FeedGetter` answered by the feed server's API logic in-process (no HTTP): `prefix` + path. */
export class RecordedApiGetter implements FeedGetter {
  readonly paths: string[] = [];

  constructor(
    private readonly api: RecordedFeedApi,
    private readonly prefix: string,
  ) {}

  async getBytes(path: string): Promise<Buffer> {
    this.paths.push(path);
    const url = new URL(this.prefix + path, 'http://feed.local');
    const reply = this.api.answer(url.pathname, url.searchParams);
    if (reply.status !== 200) throw new FeedRequestError({ feed: this.prefix, path, kind: 'client-error', status: reply.status, attempts: 1 });
    return Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body);
  }

  async getText(path: string): Promise<string> {
    return (await this.getBytes(path)).toString('utf8');
  }

  async getJson(path: string): Promise<unknown> {
    return JSON.parse(await this.getText(path));
  }
}

/** A `FeedGetter` whose every JSON answer is `body`. */
export function fixedJson(body: unknown): FeedGetter & { paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    getBytes: async (path) => (paths.push(path), Buffer.from(JSON.stringify(body))),
    getText: async (path) => (paths.push(path), JSON.stringify(body)),
    getJson: async (path) => (paths.push(path), structuredClone(body)),
  };
}
