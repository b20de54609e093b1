import type { BasicBolt, BasicOutputCollector, Tuple } from '../../runtime/index.js';
import { renderBlockDoc } from '../domain/render-block-doc.js';
import { renderTransactionDoc } from '../domain/render-transaction-doc.js';
import type { AnalyticsState } from '../state/analytics-state.js';
import { DOCUMENTS, REPRICE } from '../streams.js';
import { indexRequest } from './index-request.js';

/** The part of the analytics state this bolt uses. */
export type BlockSnapshotStore = Pick<AnalyticsState, 'snapshotBlock'>;

/**
 * Renders a block's document (once its block event is processed) and the documents of every
 * txid it contains (each from its home block: see `AnalyticsState.snapshotBlock`), from the
 * state and the price table as they are now. Input: `REPRICE`, from the price bolt (a new point)
 * and from the block bolt (a block whose best-chain status changed); output: `DOCUMENTS`.
 */
export class RepriceBlockBolt implements BasicBolt {
  constructor(private readonly store: BlockSnapshotStore) {}

  async execute(tuple: Tuple, collector: BasicOutputCollector): Promise<void> {
    const snapshot = await this.store.snapshotBlock(REPRICE.of(tuple).hash);
    if (snapshot.block !== null) collector.emit(DOCUMENTS, indexRequest('blocks', renderBlockDoc(snapshot.block, snapshot.price)));
    for (const tx of snapshot.transactions) collector.emit(DOCUMENTS, indexRequest('transactions', renderTransactionDoc(tx.facts, tx.price)));
  }
}
