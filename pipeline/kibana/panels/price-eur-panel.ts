import { VEGA_LITE_SCHEMA, contextQuery, type VegaPanelFactory } from './vega-panel.js';

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
    data: {
      url: contextQuery(indices.prices, {
        size: 0,
        aggs: {
          hours: {
            date_histogram: { field: '@timestamp', fixed_interval: '1h', min_doc_count: 1 },
            aggs: {
              close: { top_hits: { size: 1, sort: [{ '@timestamp': { order: 'desc' } }], _source: ['price_eur'] } },
              low: { min: { field: 'price_eur' } },
              high: { max: { field: 'price_eur' } },
            },
          },
        },
      }),
      format: { property: 'aggregations.hours.buckets' },
    },
    transform: [
      { calculate: 'datum.close.hits.hits[0]._source.price_eur', as: 'close_eur' },
      { calculate: 'datum.low.value', as: 'low_eur' },
      { calculate: 'datum.high.value', as: 'high_eur' },
    ],
    encoding: {
      // Buckets are UTC hours: a UTC time unit also makes the axis and tooltips show UTC.
      x: { field: 'key', type: 'temporal', timeUnit: 'utcyearmonthdatehours', title: 'UTC hour' },
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
            { field: 'key', type: 'temporal', timeUnit: 'utcyearmonthdatehours', title: 'hour (UTC)', format: '%Y-%m-%d %H:00' },
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
