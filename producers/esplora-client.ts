import { z } from 'zod';
import { MalformedResponseError } from './feed-errors.js';
import type { FeedGetter } from './feed-http-client.js';

const HashSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** One entry of Esplora's `GET /blocks/:start_height` (fields the producer needs; others pass). */
export const EsploraBlockSummarySchema = z.looseObject({
  id: HashSchema,
  height: z.number().int().nonnegative(),
  previousblockhash: HashSchema.nullable().optional(),
  timestamp: z.number().int().nonnegative(),
});
export type EsploraBlockSummary = z.infer<typeof EsploraBlockSummarySchema>;

const BlockListSchema = z.array(EsploraBlockSummarySchema);

/**
 * The calls the block producer makes to an Esplora-compatible API (mempool.space,
 * blockstream.info, or the local feed server): tip height, block listings, raw blocks.
 * Every answer is checked; one that does not parse is a `MalformedResponseError`.
 */
export class EsploraClient {
  constructor(private readonly http: FeedGetter) {}

  /** `GET /blocks/tip/height`: the height of the chain tip. */
  async tipHeight(): Promise<number> {
    const path = '/blocks/tip/height';
    const body = (await this.http.getText(path)).trim();
    if (!/^\d+$/.test(body)) throw this.malformed(path, body, 'tip height is not an integer');
    return Number(body);
  }

  /** `GET /block-height/:height`: the hash of the block at `height`. */
  async blockHash(height: number): Promise<string> {
    const path = `/block-height/${height}`;
    const body = (await this.http.getText(path)).trim();
    if (!HashSchema.safeParse(body).success) throw this.malformed(path, body, 'block hash is not 64 hex digits');
    return body;
  }

  /** `GET /blocks/:start_height`: up to 10 blocks at or below `startHeight`, highest first. */
  async blocksBelow(startHeight: number): Promise<EsploraBlockSummary[]> {
    const path = `/blocks/${startHeight}`;
    const body = await this.http.getJson(path);
    const parsed = BlockListSchema.safeParse(body);
    if (!parsed.success) throw this.malformed(path, JSON.stringify(body), parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return parsed.data;
  }

  /** `GET /block/:hash/raw`: the block as serialised on the network. */
  async rawBlock(hash: string): Promise<Buffer> {
    return this.http.getBytes(`/block/${hash}/raw`);
  }

  private malformed(path: string, body: string, problem: string): MalformedResponseError {
    return new MalformedResponseError({ feed: 'esplora', path, body, problem });
  }
}
