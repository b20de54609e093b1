/** Blocks between two halvings of the subsidy. */
export const HALVING_INTERVAL = 210_000;
/** Subsidy of the first era, in sats (50 BTC). */
export const INITIAL_SUBSIDY_SAT = 5_000_000_000n;

/** Block subsidy in sats: `50 BTC >> floor(height / 210000)`, 0 from the 64th halving on. */
export function subsidySat(height: number): bigint {
  const halvings = Math.floor(height / HALVING_INTERVAL);
  return halvings >= 64 ? 0n : INITIAL_SUBSIDY_SAT >> BigInt(halvings);
}

/** Reward, subsidy and fees of a block, in sats. */
export interface BlockEarnings {
  rewardSat: bigint;
  subsidySat: bigint;
  /** Reward minus subsidy; negative only if a miner claimed less than the subsidy. */
  feesSat: bigint;
}

/** Reward = sum of the coinbase outputs; fees = reward - subsidy. */
export function blockEarnings(height: number, coinbaseOutputValues: readonly number[]): BlockEarnings {
  const rewardSat = coinbaseOutputValues.reduce((sum, v) => sum + BigInt(v), 0n);
  const subsidy = subsidySat(height);
  return { rewardSat, subsidySat: subsidy, feesSat: rewardSat - subsidy };
}
