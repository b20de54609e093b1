import type { BasicBolt, BasicOutputCollector, Tuple } from '../../runtime/index.js';
import type { PoolIdentifier } from '../domain/pool-identifier.js';
import { renderBlockDoc } from '../domain/render-block-doc.js';
import { blockEarnings } from '../domain/subsidy.js';
import type { AnalyticsState } from '../state/analytics-state.js';
import { BLOCKS, DOCUMENTS, REPRICE } from '../streams.js';
import { indexRequest } from './index-request.js';

/** The part of the analytics state this bolt uses. */
export type BlockStore = Pick<AnalyticsState, 'applyBlock'>;

/**
 * Identifies a block's pool, computes reward, subsidy and fees, records the block once in the
 * state (day and month membership), applies the best-chain rule around it (a reorg flips the
 * status of the blocks it orphans and restores, atomically) and emits its `btc-blocks` document,
 * priced with the latest known point at or before its time, the blocks whose status changed (on
 * `reprice`: their block and transaction documents are rendered again) and the aggregates it
 * changed (on `dirty`). Input: `BLOCKS`; output: `DOCUMENTS`, `REPRICE`.
 */
export class BlockStateBolt implements BasicBolt {
  constructor(
    private readonly store: BlockStore,
    private readonly pools: PoolIdentifier,
  ) {}

  async execute(tuple: Tuple, collector: BasicOutputCollector): Promise<void> {
    const { block } = BLOCKS.of(tuple);
    const { pool } = this.pools.identify({
      scriptHex: block.coinbase_script_hex,
      outputAddresses: block.coinbase_outputs.map((o) => o.address),
    });
    const earnings = blockEarnings(
      block.height,
      block.coinbase_outputs.map((o) => o.value_sat),
    );
    const result = await this.store.applyBlock({
      hash: block.hash,
      previousHash: block.previous_hash,
      height: block.height,
      time: block.time,
      pool,
      txCount: block.tx_count,
      bits: block.bits,
      ...earnings,
    });
    collector.emit(DOCUMENTS, indexRequest('blocks', renderBlockDoc(result.facts, result.price)));
    for (const hash of result.flipped) collector.emit(REPRICE, { hash });
  }
}
