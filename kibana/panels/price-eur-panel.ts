import { GAP_SEGMENTS, HOUR_ROWS, HOUR_TRANSFORMS, hourAxis, hourlyBucketsBody, hourTooltip, measureTooltip } from './hourly-series.js';
import { ROW, layeredPanelSpec } from './layered-panel.js';
import { COLORS, type VegaPanelFactory } from './vega-panel.js';

/**
 * BTC price in EUR over time: per UTC hour, the last price point of the hour (the price in force
 * at the end of that hour) as a line, with the hour's low-high range as a band and a bar. A log
 * scale, because the recorded data spans 5 EUR (2012) to 100,000 EUR (2025).
 */
export const priceEurPanel: VegaPanelFactory = (indices) => ({
  id: 'btc-analyst-price-eur',
  title: 'BTC price in EUR',
  description: 'What did one bitcoin cost in euros over time? Hourly close (last price point of each UTC hour) and the hourly low-high range.',
  grid: { w: 48, h: 12 },
  spec: layeredPanelSpec({
    title: { text: 'BTC price in EUR', subtitle: 'hourly close (line), low-high of the hour (band); log scale', anchor: 'start' },
    index: indices.prices,
    body: hourlyBucketsBody({
      close: { top_hits: { size: 1, sort: [{ '@timestamp': { order: 'desc' } }], _source: ['price_eur'] } },
      low: { min: { field: 'price_eur' } },
      high: { max: { field: 'price_eur' } },
    }),
    rows: HOUR_ROWS,
    transform: [
      ...HOUR_TRANSFORMS,
      { calculate: `datum.${ROW}.close.hits.hits[0]._source.price_eur`, as: 'close_eur' },
      { calculate: `datum.${ROW}.low.value`, as: 'low_eur' },
      { calculate: `datum.${ROW}.high.value`, as: 'high_eur' },
      { calculate: `datum.${ROW}.doc_count`, as: 'points' },
      ...GAP_SEGMENTS,
    ],
    encoding: {
      x: hourAxis(),
      detail: { field: 'segment', type: 'nominal' },
      tooltip: [
        hourTooltip(),
        measureTooltip('close_eur', 'close EUR', ',.2f'),
        measureTooltip('low_eur', 'low EUR', ',.2f'),
        measureTooltip('high_eur', 'high EUR', ',.2f'),
        measureTooltip('points', 'price points', ',d'),
      ],
    },
    layers: [
      {
        mark: { type: 'area', color: COLORS.eur, opacity: 0.3 },
        encoding: {
          y: { field: 'low_eur', type: 'quantitative', title: 'EUR per BTC', scale: { type: 'log' }, axis: { format: ',.0f', tickCount: 4 } },
          y2: { field: 'high_eur' },
        },
      },
      // The band of one isolated hour has no width: a bar from low to high shows it.
      {
        mark: { type: 'rule', color: COLORS.eur, opacity: 0.5, strokeWidth: 4 },
        encoding: { y: { field: 'low_eur', type: 'quantitative' }, y2: { field: 'high_eur' } },
      },
      {
        mark: { type: 'line', color: COLORS.eur, strokeWidth: 2, point: { color: COLORS.eur, size: 30 } },
        encoding: { y: { field: 'close_eur', type: 'quantitative' } },
      },
    ],
  }),
});
