import { Block } from 'bitcoinjs-lib';
import type { FeedGetter } from '../../../producers/feed-http-client.js';

/** A block the fake Esplora serves. */
export interface ChainBlock {
  height: number;
  hash: string;
  previousHash: string;
  raw: Buffer;
  time: number;
}

const internalOrder = (hash: string) => Buffer.from(hash, 'hex').reverse();

/**
 * Builds blocks at `heights` on top of `parent` from real pre-BIP34 blocks (`templates`, raw hex),
 * whose coinbase does not fix their height: each header is re-linked to its parent and its nonce
 * moved by `variant`, so two chains built with different variants compete at the same heights
 * (proof of work is not checked by the producer, so such headers decode as blocks).
 */
export function buildChain(templates: readonly string[], parent: ChainBlock | null, heights: readonly number[], variant: number): ChainBlock[] {
  const out: ChainBlock[] = [];
  let prev = parent;
  heights.forEach((height, i) => {
    const block = Block.fromHex(templates[i % templates.length] as string);
    if (prev !== null) block.prevHash = internalOrder(prev.hash);
    block.nonce = (block.nonce + variant) >>> 0;
    const raw = Buffer.from(block.toBuffer());
    const built: ChainBlock = {
      height,
      hash: block.getId(),
      previousHash: Buffer.from(block.prevHash ?? new Uint8Array(32))
        .reverse()
        .toString('hex'),
      raw,
      time: block.timestamp,
    };
    out.push(built);
    prev = built;
  });
  return out;
}

/**
 * The Esplora endpoints the block producer calls, served from an in-memory chain that a test
 * replaces to simulate new blocks and reorgs. Replaced blocks stay fetchable by hash, as on a
 * real Esplora.
 */
export class FakeEsplora implements FeedGetter {
  private chain: ChainBlock[] = [];
  private readonly byHash = new Map<string, ChainBlock>();
  private readonly damaged = new Map<string, Buffer>();
  readonly requests: string[] = [];

  setChain(blocks: readonly ChainBlock[]): void {
    this.chain = [...blocks].sort((a, b) => a.height - b.height);
    for (const b of blocks) this.byHash.set(b.hash, b);
  }

  /** The next raw request for `hash` answers `bytes` instead. */
  damage(hash: string, bytes: Buffer): void {
    this.damaged.set(hash, bytes);
  }

  async getText(path: string): Promise<string> {
    this.requests.push(path);
    if (path === '/blocks/tip/height') return String(this.chain.at(-1)?.height ?? 0);
    throw new Error(`unexpected text path ${path}`);
  }

  async getJson(path: string): Promise<unknown> {
    this.requests.push(path);
    const m = /^\/blocks\/(\d+)$/.exec(path);
    if (m === null) throw new Error(`unexpected JSON path ${path}`);
    const start = Number(m[1]);
    return this.chain
      .filter((b) => b.height <= start)
      .slice(-10)
      .reverse()
      .map((b) => ({ id: b.hash, height: b.height, previousblockhash: b.previousHash, timestamp: b.time, tx_count: 0 }));
  }

  async getBytes(path: string): Promise<Buffer> {
    this.requests.push(path);
    const m = /^\/block\/([0-9a-f]{64})\/raw$/.exec(path);
    const hash = m?.[1];
    if (hash === undefined) throw new Error(`unexpected bytes path ${path}`);
    const damaged = this.damaged.get(hash);
    if (damaged !== undefined) {
      this.damaged.delete(hash);
      return damaged;
    }
    const block = this.byHash.get(hash);
    if (block === undefined) throw new Error(`unknown block ${hash}`);
    return block.raw;
  }
}
