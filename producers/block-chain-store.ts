import type { Redis } from 'ioredis';

/** The last block the producer published. */
export interface BlockCursor {
  height: number;
  hash: string;
}

/** What the block producer remembers between polls and restarts. */
export interface BlockChainStore {
  /** The last published block, or null on a fresh start. */
  cursor(): Promise<BlockCursor | null>;
  /** Hash published at `height`, or null when unknown (never published, or pruned). */
  hashAt(height: number): Promise<string | null>;
  /** Records that the block at `height` was published with `hash` and makes it the cursor. */
  commit(block: BlockCursor): Promise<void>;
}

/** `BlockChainStore` in a Redis hash pair; keeps the hashes of the last `keep` heights for reorgs. */
export class RedisBlockChainStore implements BlockChainStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: { cursor: string; chain: string },
    private readonly keep = 1_000,
  ) {}

  async cursor(): Promise<BlockCursor | null> {
    const value = await this.redis.hgetall(this.keys.cursor);
    if (value.height === undefined || value.hash === undefined) return null;
    return { height: Number(value.height), hash: value.hash };
  }

  async hashAt(height: number): Promise<string | null> {
    return this.redis.hget(this.keys.chain, String(height));
  }

  async commit(block: BlockCursor): Promise<void> {
    const tx = this.redis.multi();
    tx.hset(this.keys.chain, String(block.height), block.hash);
    // A republished lower height (reorg) invalidates everything recorded above it.
    tx.hset(this.keys.cursor, 'height', String(block.height), 'hash', block.hash);
    await tx.exec();
    await this.prune(block.height);
  }

  private async prune(height: number): Promise<void> {
    const fields = await this.redis.hkeys(this.keys.chain);
    const stale = fields.filter((f) => Number(f) <= height - this.keep || Number(f) > height);
    if (stale.length > 0) await this.redis.hdel(this.keys.chain, ...stale);
  }
}

/** `BlockChainStore` in memory, for tests and one-shot runs. */
export class MemoryBlockChainStore implements BlockChainStore {
  private last: BlockCursor | null = null;
  private readonly chain = new Map<number, string>();

  async cursor(): Promise<BlockCursor | null> {
    return this.last;
  }

  async hashAt(height: number): Promise<string | null> {
    return this.chain.get(height) ?? null;
  }

  async commit(block: BlockCursor): Promise<void> {
    for (const h of [...this.chain.keys()]) if (h > block.height) this.chain.delete(h);
    this.chain.set(block.height, block.hash);
    this.last = { ...block };
  }
}
