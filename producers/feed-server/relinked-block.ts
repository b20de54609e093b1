import { Block } from 'bitcoinjs-lib';

/** A real block whose header was re-linked into another chain. */
export interface RelinkedBlock {
  height: number;
  hash: string;
  previousHash: string;
  /** Header time, Unix seconds. */
  time: number;
  bits: number;
  raw: Buffer;
}

/** How to re-link a block. */
export interface RelinkOptions {
  height: number;
  /** Hash of the parent; null keeps the template's own. */
  parentHash: string | null;
  /** Added to the nonce, so that two re-links of one template at one height differ (default 0). */
  variant?: number;
  /** Header `bits` to claim (default: the template's), to give a branch more or less work. */
  bits?: number;
  /** Seconds added to the header time (default 0), to move the block to another hour or day. */
  timeShiftSeconds?: number;
}

/**
 * A real block from before BIP34 (its coinbase does not fix its height) with its header re-linked
 * to `parentHash` and its nonce, bits or time changed: every transaction is real, the header is
 * not (proof of work is not checked by the producer or the topology), so such blocks build
 * competing branches for reorg tests and scenarios.
 */
export function relinkBlock(template: string | Uint8Array, options: RelinkOptions): RelinkedBlock {
  const block = typeof template === 'string' ? Block.fromHex(template.trim()) : Block.fromBuffer(Buffer.from(template));
  if (options.parentHash !== null) block.prevHash = Buffer.from(options.parentHash, 'hex').reverse();
  block.nonce = (block.nonce + (options.variant ?? 0)) >>> 0;
  if (options.bits !== undefined) block.bits = options.bits;
  block.timestamp += options.timeShiftSeconds ?? 0;
  return {
    height: options.height,
    hash: block.getId(),
    previousHash: Buffer.from(block.prevHash ?? new Uint8Array(32))
      .reverse()
      .toString('hex'),
    time: block.timestamp,
    bits: block.bits,
    raw: Buffer.from(block.toBuffer()),
  };
}
