import type { Names } from '../../pipeline/contracts/names.js';
import { VEGA_LITE_SCHEMA, contextQuery, type VegaPanel } from './vega-panel.js';

/** The two miner-earnings periods and the aggregate index that holds each. */
export type PoolPeriod = 'day' | 'month';

/** Pools shown per period bucket, largest reward first. */
export const TOP_POOLS_PER_BUCKET = 10;

const PERIODS: Record<PoolPeriod, { buckets: number; index: (i: Names['indices']) => string; label: string }> = {
  day: { buckets: 31, index: (i) => i.minersDaily, label: 'UTC day' },
  month: { buckets: 24, index: (i) => i.minersMonthly, label: 'UTC month' },
};

function rankedBars(measure: 'btc' | 'eur', label: string): Record<string, unknown> {
  return {
    facet: { row: { field: 'period', type: 'ordinal', sort: 'descending', title: label, header: { labelAngle: 0, labelAlign: 'left' } } },
    spec: {
      width: 260,
      encoding: {
        // One datum per pool and period: `max` is its value, and an op that a shared domain accepts.
        y: { field: 'pool', type: 'nominal', sort: { field: measure, op: 'max', order: 'descending' }, title: null },
        x: { field: measure, type: 'quantitative', stack: null, title: measure === 'btc' ? 'reward BTC' : 'reward EUR' },
      },
      layer: [
        {
          mark: { type: 'bar', tooltip: true, color: measure === 'btc' ? '#f7931a' : '#2b6cb0' },
          encoding: {
            tooltip: [
              { field: 'period', type: 'nominal', title: label },
              { field: 'pool', type: 'nominal' },
              { field: 'blocks', type: 'quantitative', title: 'blocks' },
              { field: 'btc', type: 'quantitative', title: 'reward BTC', format: ',.8f' },
              { field: 'eur', type: 'quantitative', title: 'reward EUR', format: ',.2f' },
            ],
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 3 },
          encoding: { text: { field: measure, type: 'quantitative', format: measure === 'btc' ? ',.4f' : ',.0f' } },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/**
 * Top mining pools of each UTC day or month by miner reward (subsidy plus fees), ranked by BTC
 * on the left and by EUR on the right (the two rankings can differ when the price moved).
 */
export function topPoolsPanel(period: PoolPeriod): (indices: Names['indices']) => VegaPanel {
  const p = PERIODS[period];
  return (indices) => ({
    id: `btc-analyst-top-pools-${period === 'day' ? 'daily' : 'monthly'}`,
    title: `Top mining pools per ${period} by reward`,
    description: `Which pools earned the most in each ${p.label}? Sum of the coinbase outputs (subsidy plus fees) of the pool's blocks, ranked in BTC and in EUR.`,
    grid: { w: 24, h: 24 },
    spec: {
      $schema: VEGA_LITE_SCHEMA,
      title: `Top mining pools per ${p.label} by reward`,
      data: {
        url: contextQuery(p.index(indices), {
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
        }),
        format: { property: 'aggregations.periods.buckets' },
      },
      transform: [
        { flatten: ['pools.buckets'], as: ['p'] },
        { calculate: 'datum.key', as: 'period' },
        { calculate: 'datum.p.key', as: 'pool' },
        { calculate: 'datum.p.reward_sat.value / 1e8', as: 'btc' },
        { calculate: 'datum.p.reward_eur.value', as: 'eur' },
        { calculate: 'datum.p.blocks.value', as: 'blocks' },
      ],
      hconcat: [rankedBars('btc', p.label), rankedBars('eur', p.label)],
      // Vega-Lite warns that the faceted layers union the pool domain "from different sources"; they
      // are forks of the same rows, so the warning is noise on the panel.
      config: { kibana: { hideWarnings: true } },
    },
  });
}
