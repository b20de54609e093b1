import { GAP_SEGMENTS, barsAndLine, HOUR_ROWS, HOUR_TRANSFORMS, hourAxis, hourlyBucketsBody, hourTooltip, measureTooltip } from './hourly-series.js';
import { ROW, layeredPanelSpec } from './layered-panel.js';
import { COLORS, type VegaPanelFactory } from './vega-panel.js';

/**
 * Pending (unconfirmed) volume: per UTC hour in which the producers first saw them in the mempool,
 * the value of the transactions waiting for a block (bars, left axis), their count (line, right
 * axis) and their average fee rate (tooltip).
 */
export const pendingVolumePanel: VegaPanelFactory = (indices) => ({
  id: 'btc-analyst-pending-volume',
  title: 'Pending (unconfirmed) volume',
  description:
    'How much value entered the mempool each UTC hour? Sum of the outputs of the transactions first seen unconfirmed in that hour (each counted once, at its earliest sighting, even after it confirms), their number and their average fee rate. Never part of the confirmed results.',
  grid: { w: 48, h: 16 },
  spec: layeredPanelSpec({
    title: {
      text: 'Pending volume by UTC hour first seen in the mempool',
      subtitle: 'BTC (bars, left axis) and transactions (grey line, right axis); fees in the tooltip',
      anchor: 'start',
    },
    index: indices.pendingTransactions,
    body: hourlyBucketsBody({
      volume_sat: { sum: { field: 'output_total_sat' } },
      fee_sat: { sum: { field: 'fee_sat' } },
      vsize: { sum: { field: 'vsize' } },
    }),
    rows: HOUR_ROWS,
    transform: [
      ...HOUR_TRANSFORMS,
      { calculate: `datum.${ROW}.volume_sat.value / 1e8`, as: 'btc' },
      { calculate: `datum.${ROW}.doc_count`, as: 'txs' },
      { calculate: `datum.${ROW}.fee_sat.value / 1e8`, as: 'fees_btc' },
      { calculate: `datum.${ROW}.vsize.value > 0 ? datum.${ROW}.fee_sat.value / datum.${ROW}.vsize.value : 0`, as: 'fee_rate' },
      ...GAP_SEGMENTS,
    ],
    encoding: {
      x: hourAxis('UTC hour first seen'),
      tooltip: [
        hourTooltip('hour first seen (UTC)'),
        measureTooltip('btc', 'pending BTC', ',.8f'),
        measureTooltip('txs', 'transactions', ',d'),
        measureTooltip('fees_btc', 'fees BTC', ',.8f'),
        measureTooltip('fee_rate', 'avg fee rate (sat/vB)', ',.1f'),
      ],
    },
    layers: barsAndLine(
      { field: 'btc', title: 'pending BTC', color: COLORS.pending, log: false, format: ',~r' },
      { field: 'txs', title: 'transactions', color: COLORS.count, log: false, format: ',d' },
    ),
    resolve: { scale: { y: 'independent' } },
  }),
});
