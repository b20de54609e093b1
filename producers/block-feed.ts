import type { Logger } from 'pino';
import { RetriableError, SchemaError } from '../pipeline/runtime/index.js';
import { decodeBlock } from './block-decoder.js';
import type { BlockChainStore } from './block-chain-store.js';
import type { EsploraBlockSummary, EsploraClient } from './esplora-client.js';
import type { EventBuilder } from './event-builder.js';
import type { EventPublisher } from './event-publisher.js';
import { MalformedResponseError } from './feed-errors.js';

/** Deepest reorg the producer walks back through (the store keeps this many heights). */
export const MAX_REORG_DEPTH = 1_000;

/** Options of `BlockFeed`. */
export interface BlockFeedOptions {
  esplora: EsploraClient;
  store: BlockChainStore;
  builder: EventBuilder;
  publisher: EventPublisher;
  log: Logger;
  /** On a fresh cursor, the first height to publish; default: the tip (no backfill). */
  startHeight?: number;
}

/** What one poll did. */
export interface BlockPollResult {
  published: number;
  /** Height the producer republished from after a reorg, or null. */
  reorgFrom: number | null;
}

/**
 * The live block feed. Each poll lists the source's blocks from the tip down to the cursor, checks
 * that the block at the cursor's height still has the cursor's hash (else it walks down to the
 * fork point and republishes from there), then publishes every newer block in height order:
 * its transactions, then the block event, then moves the cursor. A crash between those steps
 * republishes the same block (same keys) on restart; no block is ever skipped.
 */
export class BlockFeed {
  constructor(private readonly options: BlockFeedOptions) {}

  /** One poll; a malformed answer goes to the dead-letter topic and ends the poll without moving on. */
  async poll(): Promise<BlockPollResult> {
    try {
      return await this.catchUp();
    } catch (err) {
      if (err instanceof MalformedResponseError) {
        await this.options.publisher.deadLetter('blocks', [{ key: err.path, value: err.body, reason: 'malformed feed response', error: err }]);
        return { published: 0, reorgFrom: null };
      }
      throw err;
    }
  }

  private async catchUp(): Promise<BlockPollResult> {
    const { esplora, store, log } = this.options;
    const tip = await esplora.tipHeight();
    const cursor = await store.cursor();
    if (cursor !== null && cursor.height > tip) {
      // The source is behind us (another server of a load balancer); wait for it.
      log.warn({ tip, cursorHeight: cursor.height }, 'feed tip below cursor; waiting');
      return { published: 0, reorgFrom: null };
    }
    const floor = cursor === null ? (this.options.startHeight ?? tip) - 1 : cursor.height;
    const listing = new Listing(esplora, tip);
    const pending = await listing.above(floor);

    let reorgFrom: number | null = null;
    if (cursor !== null) {
      const atCursor = await listing.at(cursor.height);
      if (atCursor !== null && atCursor.id !== cursor.hash) {
        const fork = await this.forkPoint(listing, cursor.height);
        reorgFrom = fork.height;
        pending.unshift(...fork.blocks);
        log.warn({ cursorHeight: cursor.height, cursorHash: cursor.hash, forkHeight: fork.height }, 'reorg detected; republishing from fork point');
      }
    }
    checkContinuity(pending);

    let published = 0;
    for (const summary of pending) {
      published += await this.publishBlock(summary);
    }
    return { published, reorgFrom };
  }

  /**
   * Lists blocks at and below `height` until one matches what was published at its height (the
   * common ancestor); returns the replaced blocks, lowest first. Bounded by `MAX_REORG_DEPTH`.
   */
  private async forkPoint(listing: Listing, height: number): Promise<{ height: number; blocks: EsploraBlockSummary[] }> {
    const replaced: EsploraBlockSummary[] = [];
    for (let h = height; h >= 0 && replaced.length < MAX_REORG_DEPTH; ) {
      const block = await listing.at(h, true);
      if (block === null) break;
      if ((await this.options.store.hashAt(block.height)) === block.id) break;
      replaced.unshift(block);
      h = block.height - 1;
    }
    const first = replaced[0];
    return { height: first === undefined ? height : first.height, blocks: replaced };
  }

  private async publishBlock(summary: EsploraBlockSummary): Promise<number> {
    const { esplora, builder, publisher, store } = this.options;
    const raw = await esplora.rawBlock(summary.id);
    let decoded: ReturnType<typeof decodeBlock>;
    try {
      decoded = decodeBlock(raw, { height: summary.height });
    } catch (err) {
      if (!(err instanceof SchemaError)) throw err;
      throw new MalformedResponseError({ feed: 'esplora', path: `/block/${summary.id}/raw`, body: raw.toString('hex'), problem: err.message }, { cause: err });
    }
    if (decoded.block.hash !== summary.id) {
      throw new MalformedResponseError({
        feed: 'esplora',
        path: `/block/${summary.id}/raw`,
        body: raw.toString('hex'),
        problem: `raw block hashes to ${decoded.block.hash}`,
      });
    }
    const events = builder.blockEvents(decoded);
    const sent = await publisher.publish('transactions', events.transactions);
    await publisher.publish('blocks', [events.block]);
    await store.commit({ height: decoded.block.height, hash: decoded.block.hash });
    this.options.log.info({ height: decoded.block.height, hash: decoded.block.hash, transactions: sent }, 'block published');
    return 1 + sent;
  }
}

/** Pages of `GET /blocks/:start_height` from the tip downwards, fetched lazily and cached. */
class Listing {
  private readonly blocks: EsploraBlockSummary[] = [];
  private next: number;
  private exhausted = false;

  constructor(
    private readonly esplora: EsploraClient,
    tip: number,
  ) {
    this.next = tip;
  }

  private async fetchPage(): Promise<void> {
    if (this.exhausted || this.next < 0) {
      this.exhausted = true;
      return;
    }
    const page = await this.esplora.blocksBelow(this.next);
    const lowest = page.reduce((min, b) => Math.min(min, b.height), Number.POSITIVE_INFINITY);
    const fresh = page.filter((b) => b.height <= this.next);
    this.blocks.push(...fresh);
    if (fresh.length === 0 || !Number.isFinite(lowest)) this.exhausted = true;
    this.next = lowest - 1;
  }

  /** Listed blocks with height above `floor`, lowest first. */
  async above(floor: number): Promise<EsploraBlockSummary[]> {
    while (!this.exhausted && this.next > floor) await this.fetchPage();
    return this.blocks.filter((b) => b.height > floor).sort((a, b) => a.height - b.height);
  }

  /**
   * The listed block at `height`, or null when the source lists none there. With `orBelow`, the
   * highest listed block at or below `height` (sources with gaps, such as recorded data).
   */
  async at(height: number, orBelow = false): Promise<EsploraBlockSummary | null> {
    // Pages come from the top down: once a block at or below `height` is listed, all above it are.
    while (!this.exhausted && !this.blocks.some((b) => b.height <= height)) await this.fetchPage();
    if (!orBelow) return this.blocks.find((b) => b.height === height) ?? null;
    return this.blocks.filter((b) => b.height <= height).sort((a, b) => b.height - a.height)[0] ?? null;
  }
}

/** Adjacent heights must link by previous hash; a break means the chain moved during the poll. */
function checkContinuity(blocks: readonly EsploraBlockSummary[]): void {
  for (let i = 1; i < blocks.length; i++) {
    const prev = blocks[i - 1] as EsploraBlockSummary;
    const cur = blocks[i] as EsploraBlockSummary;
    if (cur.height === prev.height) throw new RetriableError(`listing has two blocks at height ${cur.height}`);
    if (cur.height === prev.height + 1 && cur.previousblockhash != null && cur.previousblockhash !== prev.id) {
      throw new RetriableError(`listing breaks between heights ${prev.height} and ${cur.height}; chain moved`);
    }
  }
}
