import { GAP_SEGMENTS, HOUR_ROWS, HOUR_TRANSFORMS, hourAxis, hourlyBucketsBody, hourTooltip, measureTooltip } from './hourly-series.js';
import { ROW, layeredPanelSpec } from './layered-panel.js';
import { COLORS, type VegaPanelFactory } from './vega-panel.js';

/**
 * Hourly volume in BTC (bars, left axis) and in EUR (line, right axis), each on its own log scale
 * so that no single hour flattens the others, from the one-document-per-hour aggregate (sums per
 * hour bucket, so a coarser range stays exact); the transaction count is in the tooltip.
 */
export const hourlyVolumePanel: VegaPanelFactory = (indices) => ({
  id: 'btc-analyst-hourly-volume',
  title: 'Hourly volume (BTC, EUR) and transaction count',
  description:
    'How much value moved on chain each UTC hour? Sum of the outputs of every confirmed non-coinbase transaction, in BTC and in EUR, and the number of those transactions.',
  grid: { w: 48, h: 20 },
  spec: layeredPanelSpec({
    title: {
      text: 'Hourly on-chain volume',
      subtitle: 'BTC (orange bars, left axis) and EUR (blue line, right axis), each on a log scale; transactions in the tooltip',
      anchor: 'start',
    },
    index: indices.volumeHourly,
    body: hourlyBucketsBody({
      tx_count: { sum: { field: 'tx_count' } },
      volume_sat: { sum: { field: 'volume_sat' } },
      volume_btc: { sum: { field: 'volume_btc' } },
      volume_eur: { sum: { field: 'volume_eur' } },
    }),
    rows: HOUR_ROWS,
    transform: [
      ...HOUR_TRANSFORMS,
      { calculate: `datum.${ROW}.volume_sat.value / 1e8`, as: 'btc' },
      { calculate: `datum.${ROW}.volume_eur.value`, as: 'eur' },
      { calculate: `datum.${ROW}.tx_count.value`, as: 'txs' },
      ...GAP_SEGMENTS,
    ],
    encoding: {
      x: hourAxis(),
      tooltip: [hourTooltip(), measureTooltip('btc', 'BTC', ',.8f'), measureTooltip('eur', 'EUR', ',.2f'), measureTooltip('txs', 'transactions', ',d')],
    },
    layers: [
      {
        mark: { type: 'bar', color: COLORS.btc, width: 5 },
        encoding: { y: { field: 'btc', type: 'quantitative', stack: null, title: 'volume BTC', scale: { type: 'log' }, axis: { titleColor: COLORS.btc, format: ',~s', tickCount: 6 } } },
      },
      {
        mark: { type: 'line', color: COLORS.eur, strokeWidth: 2, point: { color: COLORS.eur, size: 40 } },
        encoding: {
          y: { field: 'eur', type: 'quantitative', title: 'volume EUR', scale: { type: 'log' }, axis: { orient: 'right', titleColor: COLORS.eur, format: ',~s', tickCount: 6 } },
          detail: { field: 'segment', type: 'nominal' },
        },
      },
    ],
    resolve: { scale: { y: 'independent' } },
  }),
});
