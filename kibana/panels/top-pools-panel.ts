import type { Names } from '../../pipeline/contracts/names.js';
import { ROW, layeredPanelSpec } from './layered-panel.js';
import type { VegaPanel } from './vega-panel.js';

/** The two miner-earnings periods and the aggregate index that holds each. */
export type PoolPeriod = 'day' | 'month';

/** Pools shown per period bucket, largest reward first. */
export const TOP_POOLS_PER_BUCKET = 10;

const PERIODS: Record<PoolPeriod, { buckets: number; index: (i: Names['indices']) => string; label: string }> = {
  day: { buckets: 31, index: (i) => i.minersDaily, label: 'UTC day' },
  month: { buckets: 24, index: (i) => i.minersMonthly, label: 'UTC month' },
};

/** Ranks the pools of each period by `field`, largest first (1 = top). */
function rankBy(field: 'btc' | 'eur'): Record<string, unknown> {
  return { window: [{ op: 'rank', as: `rank_${field}` }], groupby: ['period'], sort: [{ field, order: 'descending' }] };
}

/**
 * Top mining pools of each UTC day or month by miner reward (subsidy plus fees): one stacked bar
 * per period (the most recent periods of the range, at most 31 days or 24 months, so that the
 * chart fits its panel), the largest pool at the bottom; the tooltip gives each pool's rank by
 * BTC and by EUR (the two can differ when the price moved within the period).
 */
export function topPoolsPanel(period: PoolPeriod): (indices: Names['indices']) => VegaPanel {
  const p = PERIODS[period];
  return (indices) => ({
    id: `btc-analyst-top-pools-${period === 'day' ? 'daily' : 'monthly'}`,
    title: `Top mining pools per ${period} by reward`,
    description: `Which pools earned the most in each ${p.label}? Sum of the coinbase outputs (subsidy plus fees) of the pool's blocks, ranked in BTC and in EUR.`,
    grid: { w: 24, h: 24 },
    spec: layeredPanelSpec({
      title: {
        text: `Top mining pools per ${p.label} by reward`,
        subtitle: `BTC per pool, largest at the bottom (top ${TOP_POOLS_PER_BUCKET} of each ${period}); ranks by BTC and EUR in the tooltip`,
        anchor: 'start',
      },
      index: p.index(indices),
      body: {
        size: 0,
        aggs: {
          periods: {
            terms: { field: period, size: p.buckets, order: { _key: 'desc' } },
            aggs: {
              pools: {
                terms: { field: 'pool', size: TOP_POOLS_PER_BUCKET, order: { reward_sat: 'desc' } },
                aggs: {
                  reward_sat: { sum: { field: 'reward_sat' } },
                  reward_btc: { sum: { field: 'reward_btc' } },
                  reward_eur: { sum: { field: 'reward_eur' } },
                  blocks: { sum: { field: 'blocks' } },
                },
              },
            },
          },
        },
      },
      rows: 'aggregations.periods.buckets',
      transform: [
        { calculate: `datum.${ROW}.key`, as: 'period' },
        { flatten: [`${ROW}.pools.buckets`], as: ['p'] },
        { calculate: 'datum.p.key', as: 'pool' },
        { calculate: 'datum.p.reward_sat.value / 1e8', as: 'btc' },
        { calculate: 'datum.p.reward_eur.value', as: 'eur' },
        { calculate: 'datum.p.blocks.value', as: 'blocks' },
        rankBy('btc'),
        rankBy('eur'),
      ],
      encoding: {
        x: { field: 'period', type: 'ordinal', sort: 'ascending', title: p.label, axis: { labelAngle: -45, labelOverlap: 'greedy' } },
      },
      layers: [
        {
          mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
          encoding: {
            y: { field: 'btc', type: 'quantitative', stack: 'zero', title: 'miner reward BTC' },
            color: { field: 'pool', type: 'nominal', scale: { scheme: 'tableau20' }, legend: { title: 'pool', symbolLimit: 40 } },
            order: { field: 'btc', sort: 'descending' },
            tooltip: [
              { field: 'period', type: 'nominal', title: p.label },
              { field: 'pool', type: 'nominal' },
              { field: 'rank_btc', type: 'quantitative', title: 'rank by BTC' },
              { field: 'rank_eur', type: 'quantitative', title: 'rank by EUR' },
              { field: 'blocks', type: 'quantitative', title: 'blocks' },
              { field: 'btc', type: 'quantitative', title: 'reward BTC', format: ',.8f' },
              { field: 'eur', type: 'quantitative', title: 'reward EUR', format: ',.2f' },
            ],
          },
        },
      ],
    }),
  });
}
