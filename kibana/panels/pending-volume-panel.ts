import { hourlyBars, hourlyBuckets } from './hourly-bars.js';
import { VEGA_LITE_SCHEMA, type VegaPanelFactory } from './vega-panel.js';

const hourTitle = 'UTC hour first seen';

/**
 * Pending (unconfirmed) volume: per UTC hour in which the producers first saw them in the mempool,
 * the value of the transactions waiting for a block, their count and their average fee rate.
 */
export const pendingVolumePanel: VegaPanelFactory = (indices) => ({
  id: 'btc-analyst-pending-volume',
  title: 'Pending (unconfirmed) volume',
  description:
    'How much value entered the mempool each UTC hour? Sum of the outputs of the transactions first seen unconfirmed in that hour (each counted once, at its earliest sighting, even after it confirms), their number and their average fee rate. Never part of the confirmed results.',
  grid: { w: 48, h: 16 },
  spec: {
    $schema: VEGA_LITE_SCHEMA,
    title: 'Pending volume by hour first seen in the mempool',
    data: hourlyBuckets(indices.pendingTransactions, {
      volume_sat: { sum: { field: 'output_total_sat' } },
      fee_sat: { sum: { field: 'fee_sat' } },
      vsize: { sum: { field: 'vsize' } },
    }),
    transform: [
      { calculate: 'datum.volume_sat.value / 1e8', as: 'btc' },
      { calculate: 'datum.doc_count', as: 'txs' },
      { calculate: 'datum.fee_sat.value / 1e8', as: 'fees_btc' },
      { calculate: 'datum.vsize.value > 0 ? datum.fee_sat.value / datum.vsize.value : 0', as: 'fee_rate' },
    ],
    resolve: { scale: { x: 'shared' } },
    vconcat: [
      hourlyBars({
        height: 110, color: '#c05621', timeAxis: false, hourTitle,
        y: { field: 'btc', axisTitle: 'pending BTC', title: 'BTC', format: ',.8f' },
        tooltip: [
          { field: 'fees_btc', title: 'fees BTC', format: ',.8f' },
          { field: 'fee_rate', title: 'avg fee rate (sat/vB)', format: ',.1f' },
        ],
      }),
      hourlyBars({ height: 80, color: '#718096', timeAxis: true, hourTitle, y: { field: 'txs', axisTitle: 'transactions', title: 'transactions', format: ',d' } }),
    ],
  },
});
