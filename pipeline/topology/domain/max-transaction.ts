/** A candidate for the largest transaction of an hour. */
export interface TxCandidate {
  txid: string;
  sats: bigint;
  blockHeight: number;
  indexInBlock: number;
}

/**
 * Whether `a` beats `b` as the largest transaction: larger output total, then lower block
 * height, then earlier position in the block.
 */
export function beats(a: TxCandidate, b: TxCandidate): boolean {
  if (a.sats !== b.sats) return a.sats > b.sats;
  if (a.blockHeight !== b.blockHeight) return a.blockHeight < b.blockHeight;
  return a.indexInBlock < b.indexInBlock;
}

/** The largest of `candidates` by `beats`, or null when there is none. */
export function largestTransaction(candidates: readonly TxCandidate[]): TxCandidate | null {
  let best: TxCandidate | null = null;
  for (const c of candidates) if (best === null || beats(c, best)) best = c;
  return best;
}
