import { hourField, hourlyBuckets } from './hourly-bars.js';
import { VEGA_LITE_SCHEMA, type VegaPanelFactory } from './vega-panel.js';

/**
 * BTC price in EUR over time: per UTC hour, the last price point of the hour (the price in force
 * at the end of that hour) as a line, with the hour's low-high range as a band.
 */
export const priceEurPanel: VegaPanelFactory = (indices) => ({
  id: 'btc-analyst-price-eur',
  title: 'BTC price in EUR',
  description: 'What did one bitcoin cost in euros over time? Hourly close (last price point of each UTC hour) and the hourly low-high range.',
  grid: { w: 48, h: 12 },
  spec: {
    $schema: VEGA_LITE_SCHEMA,
    title: 'BTC price in EUR (hourly close, low-high band)',
    data: hourlyBuckets(indices.prices, {
      close: { top_hits: { size: 1, sort: [{ '@timestamp': { order: 'desc' } }], _source: ['price_eur'] } },
      low: { min: { field: 'price_eur' } },
      high: { max: { field: 'price_eur' } },
    }),
    transform: [
      { calculate: 'datum.close.hits.hits[0]._source.price_eur', as: 'close_eur' },
      { calculate: 'datum.low.value', as: 'low_eur' },
      { calculate: 'datum.high.value', as: 'high_eur' },
    ],
    encoding: {
      x: hourField(),
    },
    layer: [
      {
        mark: { type: 'area', opacity: 0.25 },
        encoding: {
          y: { field: 'low_eur', type: 'quantitative', title: 'EUR per BTC', scale: { zero: false } },
          y2: { field: 'high_eur' },
        },
      },
      {
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          y: { field: 'close_eur', type: 'quantitative' },
          tooltip: [
            { ...hourField('hour (UTC)'), format: '%Y-%m-%d %H:00' },
            { field: 'close_eur', type: 'quantitative', title: 'close EUR', format: ',.2f' },
            { field: 'low_eur', type: 'quantitative', title: 'low EUR', format: ',.2f' },
            { field: 'high_eur', type: 'quantitative', title: 'high EUR', format: ',.2f' },
            { field: 'doc_count', type: 'quantitative', title: 'price points' },
          ],
        },
      },
    ],
  },
});
