import { hourlyBars, hourlyBuckets } from './hourly-bars.js';
import { VEGA_LITE_SCHEMA, type VegaPanelFactory } from './vega-panel.js';

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
    data: hourlyBuckets(indices.volumeHourly, {
      tx_count: { sum: { field: 'tx_count' } },
      volume_sat: { sum: { field: 'volume_sat' } },
      volume_btc: { sum: { field: 'volume_btc' } },
      volume_eur: { sum: { field: 'volume_eur' } },
    }),
    transform: [
      { calculate: 'datum.volume_sat.value / 1e8', as: 'btc' },
      { calculate: 'datum.volume_eur.value', as: 'eur' },
      { calculate: 'datum.tx_count.value', as: 'txs' },
    ],
    resolve: { scale: { x: 'shared' } },
    vconcat: [
      hourlyBars({ height: 110, color: '#f7931a', timeAxis: false, y: { field: 'btc', axisTitle: 'volume BTC', title: 'BTC', format: ',.8f' } }),
      hourlyBars({ height: 110, color: '#2b6cb0', timeAxis: false, y: { field: 'eur', axisTitle: 'volume EUR', title: 'EUR', format: ',.2f' } }),
      hourlyBars({ height: 80, color: '#718096', timeAxis: true, y: { field: 'txs', axisTitle: 'transactions', title: 'transactions', format: ',d' } }),
    ],
  },
});
