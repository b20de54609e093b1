import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseWith } from '../../contracts/envelope.js';

/** One entry of mempool.space's `pools-v2.json`. */
export const PoolEntrySchema = z
  .object({
    id: z.number().int(),
    name: z.string().min(1),
    addresses: z.array(z.string()),
    tags: z.array(z.string()),
    link: z.string().optional(),
  })
  .loose();
export type PoolEntry = z.infer<typeof PoolEntrySchema>;
export const PoolListSchema = z.array(PoolEntrySchema);

/** Name given to a block that matches no pool. */
export const UNKNOWN_POOL = 'Unknown';

/**
 * Order of the two rules.
 * - `address-first` (the contract, mempool.space's backend): for each pool in file order,
 *   a coinbase output address listed for it, else one of its tags.
 * - `tag-first` (the data set's ground truth): the first pool in file order with a matching tag;
 *   otherwise the first coinbase output (in output order) whose address some pool lists.
 */
export type PoolMatchOrder = 'address-first' | 'tag-first';

/** The coinbase facts a pool is identified from. */
export interface CoinbaseFacts {
  /** Coinbase input script (scriptSig), hex. */
  scriptHex: string;
  /** Addresses of the coinbase outputs in output order; null where an output has none. */
  outputAddresses: readonly (string | null)[];
}

/** Which rule identified the pool. */
export interface PoolMatch {
  pool: string;
  rule: 'address' | 'tag' | 'none';
  /** The address or tag that matched. */
  value: string | null;
}

interface CompiledPool {
  name: string;
  addresses: ReadonlySet<string>;
  tags: readonly { tag: string; pattern: RegExp }[];
}

/** A tag as a case-insensitive regular expression; a tag that is not a valid one is matched literally. */
export function compileTag(tag: string): RegExp {
  try {
    return new RegExp(tag, 'i');
  } catch {
    return new RegExp(tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  }
}

/** The coinbase script read as text, one character per byte (byte value = code point). */
export function coinbaseText(scriptHex: string): string {
  return Buffer.from(scriptHex, 'hex').toString('latin1');
}

/** Identifies the mining pool of a block from its coinbase with the mempool.space pool list. */
export class PoolIdentifier {
  private readonly pools: readonly CompiledPool[];

  constructor(
    entries: readonly PoolEntry[],
    private readonly order: PoolMatchOrder = 'address-first',
  ) {
    this.pools = entries.map((e) => ({
      name: e.name,
      addresses: new Set(e.addresses),
      tags: e.tags.map((tag) => ({ tag, pattern: compileTag(tag) })),
    }));
  }

  /** Reads and validates a `pools-v2.json` file. */
  static fromFile(path: string, order: PoolMatchOrder = 'address-first'): PoolIdentifier {
    const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return new PoolIdentifier(parseWith('pools-v2.json', PoolListSchema, raw), order);
  }

  /** The pool of a coinbase, with the rule that matched. */
  identify(coinbase: CoinbaseFacts): PoolMatch {
    const text = coinbaseText(coinbase.scriptHex);
    const addresses = coinbase.outputAddresses.filter((a): a is string => a !== null);
    if (this.order === 'address-first') {
      for (const pool of this.pools) {
        const address = addresses.find((a) => pool.addresses.has(a));
        if (address !== undefined) return { pool: pool.name, rule: 'address', value: address };
        const tag = pool.tags.find((t) => t.pattern.test(text));
        if (tag !== undefined) return { pool: pool.name, rule: 'tag', value: tag.tag };
      }
      return { pool: UNKNOWN_POOL, rule: 'none', value: null };
    }
    for (const pool of this.pools) {
      const tag = pool.tags.find((t) => t.pattern.test(text));
      if (tag !== undefined) return { pool: pool.name, rule: 'tag', value: tag.tag };
    }
    for (const address of addresses) {
      const pool = this.pools.find((p) => p.addresses.has(address));
      if (pool !== undefined) return { pool: pool.name, rule: 'address', value: address };
    }
    return { pool: UNKNOWN_POOL, rule: 'none', value: null };
  }
}
