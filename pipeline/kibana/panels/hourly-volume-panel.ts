import { VEGA_LITE_SCHEMA, contextQuery, type VegaPanelFactory } from './vega-panel.js';

const hour = { field: 'key', type: 'temporal', timeUnit: 'utcyearmonthdatehours', title: 'UTC hour' } as const;

/**
 * Hourly volume in BTC and in EUR (bars) and the hourly transaction count, from the
 * one-document-per-hour aggregate (sums per hour bucket, so a coarser range stays exact).
 */
export const hourlyVolumePanel: VegaPanelFactory = (indices) => ({
  id: 'btc-analyst-hourly-volume',
  title: 'Hourly volume (BTC, EUR) and transaction count',
  description:
    'How much value moved on chain each UTC hour? Sum of the outputs of every confirmed non-coinbase transaction, in BTC and in EUR, and the number of those transactions.',
  grid: { w: 48, h: 20 },
  spec: {
    $schema: VEGA_LITE_SCHEMA,
    title: 'Hourly on-chain volume and transaction count',
    data: {
      url: contextQuery(indices.volumeHourly, {
        size: 0,
        aggs: {
          hours: {
            date_histogram: { field: '@timestamp', fixed_interval: '1h', min_doc_count: 1 },
            aggs: {
              tx_count: { sum: { field: 'tx_count' } },
              volume_sat: { sum: { field: 'volume_sat' } },
              volume_btc: { sum: { field: 'volume_btc' } },
              volume_eur: { sum: { field: 'volume_eur' } },
            },
          },
        },
      }),
      format: { property: 'aggregations.hours.buckets' },
    },
    transform: [
      { calculate: 'datum.volume_sat.value / 1e8', as: 'btc' },
      { calculate: 'datum.volume_eur.value', as: 'eur' },
      { calculate: 'datum.tx_count.value', as: 'txs' },
    ],
    resolve: { scale: { x: 'shared' } },
    vconcat: [
      {
        height: 110,
        mark: { type: 'bar', tooltip: true, color: '#f7931a' },
        encoding: {
          x: { ...hour, axis: { title: null, labels: false } },
          y: { field: 'btc', type: 'quantitative', title: 'volume BTC' },
          tooltip: [
            { ...hour, format: '%Y-%m-%d %H:00' },
            { field: 'btc', type: 'quantitative', title: 'BTC', format: ',.8f' },
          ],
        },
      },
      {
        height: 110,
        mark: { type: 'bar', tooltip: true, color: '#2b6cb0' },
        encoding: {
          x: { ...hour, axis: { title: null, labels: false } },
          y: { field: 'eur', type: 'quantitative', title: 'volume EUR' },
          tooltip: [
            { ...hour, format: '%Y-%m-%d %H:00' },
            { field: 'eur', type: 'quantitative', title: 'EUR', format: ',.2f' },
          ],
        },
      },
      {
        height: 80,
        mark: { type: 'bar', tooltip: true, color: '#718096' },
        encoding: {
          x: hour,
          y: { field: 'txs', type: 'quantitative', title: 'transactions' },
          tooltip: [
            { ...hour, format: '%Y-%m-%d %H:00' },
            { field: 'txs', type: 'quantitative', title: 'transactions', format: ',d' },
          ],
        },
      },
    ],
  },
});
