/** What the best-chain rule needs of a block event. */
export interface ChainHeader {
  hash: string;
  previousHash: string;
  height: number;
  /** The header's compact target; absent in block events of schema version 1. */
  bits?: number | null;
}

/**
 * Depth, in heights below the block being applied, that the topology re-evaluates: a reorg whose
 * fork point is at most this many blocks below the new block is followed exactly; past that,
 * blocks keep the status they had (see docs/DATA.md, "Reorgs").
 */
export const REORG_WINDOW = 100;

const TWO_256 = 1n << 256n;

/**
 * Work of a block as Bitcoin Core counts it: `2^256 / (target + 1)` for the target encoded in
 * `bits`; 0 when `bits` is unknown (version 1 events) or encodes no positive target.
 */
export function blockWork(bits: number | null | undefined): bigint {
  if (bits === null || bits === undefined) return 0n;
  const exponent = bits >>> 24;
  const mantissa = BigInt(bits & 0x007f_ffff);
  if ((bits & 0x0080_0000) !== 0 || mantissa === 0n) return 0n;
  const target = exponent <= 3 ? mantissa >> BigInt(8 * (3 - exponent)) : mantissa << BigInt(8 * (exponent - 3));
  if (target <= 0n || target >= TWO_256) return 0n;
  return TWO_256 / (target + 1n);
}

/**
 * The hashes of the best chain among `headers` (block events; duplicates of a hash count once).
 *
 * Blocks link to their parent by `previousHash` when the parent is among the headers (and lower);
 * blocks whose parent is unknown are roots, and roots with the same unknown parent compete.
 * Chain work of a block = its work plus its parent's chain work. Tips (blocks no known block
 * builds on) are ranked by chain work, then height, then the lower hash (a deterministic
 * tie-break: the result depends only on the set of headers, never on arrival order). Taking the
 * tips best first, a tip's branch (the tip and its known ancestors) joins the best chain unless
 * one of its blocks is at a height the best chain already holds with another block. Branches that
 * do not overlap (gaps in the known heights) therefore all join, and exactly one block per height
 * is ever on the best chain.
 */
export function bestChain(headers: Iterable<ChainHeader>): Set<string> {
  const byHash = new Map<string, ChainHeader>();
  for (const h of headers) if (!byHash.has(h.hash)) byHash.set(h.hash, h);
  const parentOf = (b: ChainHeader): ChainHeader | undefined => {
    const p = byHash.get(b.previousHash);
    return p !== undefined && p.height < b.height ? p : undefined;
  };

  const work = new Map<string, bigint>();
  const hasChild = new Set<string>();
  for (const b of [...byHash.values()].sort((x, y) => x.height - y.height)) {
    const parent = parentOf(b);
    if (parent !== undefined) hasChild.add(parent.hash);
    work.set(b.hash, blockWork(b.bits) + (parent === undefined ? 0n : (work.get(parent.hash) ?? 0n)));
  }
  const tips = [...byHash.values()].filter((b) => !hasChild.has(b.hash)).sort((x, y) => compareTips(x, y, work));

  const taken = new Map<number, string>();
  for (const tip of tips) {
    const branch: ChainHeader[] = [];
    let conflict = false;
    for (let b: ChainHeader | undefined = tip; b !== undefined; b = parentOf(b)) {
      const holder = taken.get(b.height);
      if (holder === b.hash) break; // the rest of the branch is on the best chain already
      if (holder !== undefined) {
        conflict = true;
        break;
      }
      branch.push(b);
    }
    if (!conflict) for (const b of branch) taken.set(b.height, b.hash);
  }
  return new Set(taken.values());
}

/** Best tip first: more chain work, then higher, then the lower hash. */
function compareTips(x: ChainHeader, y: ChainHeader, work: ReadonlyMap<string, bigint>): number {
  const wx = work.get(x.hash) ?? 0n;
  const wy = work.get(y.hash) ?? 0n;
  if (wx !== wy) return wx > wy ? -1 : 1;
  if (x.height !== y.height) return y.height - x.height;
  return x.hash < y.hash ? -1 : x.hash > y.hash ? 1 : 0;
}
