import { GAP_SEGMENTS, barsAndLine, HOUR_ROWS, HOUR_TRANSFORMS, hourAxis, hourlyBucketsBody, hourTooltip, measureTooltip } from './hourly-series.js';
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
    layers: barsAndLine(
      { field: 'btc', title: 'volume BTC', color: COLORS.btc, log: true, format: ',~s' },
      { field: 'eur', title: 'volume EUR', color: COLORS.eur, log: true, format: ',~s' },
    ),
    resolve: { scale: { y: 'independent' } },
  }),
});
