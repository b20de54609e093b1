import type { PriceData } from '../../contracts/price-event.js';
import type { BasicBolt, BasicOutputCollector, Tuple } from '../../runtime/index.js';
import type { AnalyticsState } from '../state/analytics-state.js';
import { DOCUMENTS, PRICE_POINTS, REPRICE } from '../streams.js';
import { indexRequest } from './index-request.js';

/** The part of the analytics state this bolt uses. */
export type PriceStore = Pick<AnalyticsState, 'applyPrice'>;

/** Document id of a price point: `<pair>:<unix seconds>`. */
export function priceDocId(point: PriceData): string {
  return `${point.pair}:${point.time}`;
}

/**
 * Adds a price point to the price table once (points are immutable per pair and time: the first
 * one wins) and emits its `btc-prices` document (version 1: a repeat is a 409), the blocks whose
 * price it is (on `reprice`: their block and transaction documents are rendered again) and the
 * aggregates it changed (on `dirty`). A repeated point re-emits the first two so that a replay
 * after a crash completes the writes; they change no document.
 * Input: `PRICE_POINTS`; output: `DOCUMENTS`, `REPRICE`.
 */
export class PriceStateBolt implements BasicBolt {
  constructor(private readonly store: PriceStore) {}

  async execute(tuple: Tuple, collector: BasicOutputCollector): Promise<void> {
    const { point } = PRICE_POINTS.of(tuple);
    const result = await this.store.applyPrice(point);
    collector.emit(
      DOCUMENTS,
      indexRequest('prices', {
        id: priceDocId(point),
        version: 1,
        doc: {
          '@timestamp': new Date(point.time * 1000).toISOString(),
          pair: point.pair,
          price_eur: Number(result.stored.price),
          source: result.stored.source,
        },
      }),
    );
    for (const hash of result.repriced) collector.emit(REPRICE, { hash });
  }
}
