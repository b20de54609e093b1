import { VEGA_LITE_SCHEMA, contextQuery, type VegaPanelFactory } from './vega-panel.js';

/** Most recent hours listed (the dashboard's time range selects which). */
export const LARGEST_TRANSACTIONS_ROWS = 200;

const COLUMNS = [
  { field: 'hour_text', title: 'hour (UTC)', x: 0, align: 'left' },
  { field: 'txid_text', title: 'largest transaction (txid)', x: 130, align: 'left' },
  { field: 'btc_text', title: 'BTC', x: 730, align: 'right' },
  { field: 'eur_text', title: 'EUR', x: 880, align: 'right' },
] as const;

/**
 * The largest confirmed non-coinbase transaction of each UTC hour (by output total), with its
 * txid, as a table read from the one-document-per-hour aggregate, newest hour first.
 */
export const largestTransactionsPanel: VegaPanelFactory = (indices) => ({
  id: 'btc-analyst-largest-transactions',
  title: 'Largest transaction of each hour',
  description:
    'Which single transaction moved the most value in each UTC hour, and how much in BTC and EUR? Output total of the largest non-coinbase transaction, newest hour first.',
  grid: { w: 48, h: 18 },
  spec: {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Largest transaction of each hour (newest first)',
      subtitle: `columns: ${COLUMNS.map((c) => c.title).join('  |  ')}`,
      anchor: 'start',
    },
    data: {
      url: contextQuery(indices.volumeHourly, {
        size: LARGEST_TRANSACTIONS_ROWS,
        sort: [{ '@timestamp': { order: 'desc' } }],
        _source: ['@timestamp', 'max_tx_txid', 'max_tx_sat', 'max_tx_btc', 'max_tx_eur'],
      }),
      format: { property: 'hits.hits' },
    },
    transform: [
      { calculate: "utcFormat(toDate(datum._source['@timestamp']), '%Y-%m-%d %H:00')", as: 'hour_text' },
      { calculate: "datum._source.max_tx_txid ? datum._source.max_tx_txid : '-'", as: 'txid_text' },
      { calculate: "isValid(datum._source.max_tx_sat) ? format(datum._source.max_tx_sat / 1e8, ',.8f') : '-'", as: 'btc_text' },
      { calculate: "isValid(datum._source.max_tx_eur) ? format(datum._source.max_tx_eur, ',.2f') : '-'", as: 'eur_text' },
      { window: [{ op: 'row_number', as: 'row' }], sort: [{ field: 'hour_text', order: 'descending' }] },
    ],
    height: { step: 18 },
    encoding: {
      y: { field: 'row', type: 'ordinal', axis: null },
    },
    layer: COLUMNS.map((c) => ({
      mark: { type: 'text', align: c.align, baseline: 'middle', font: 'monospace' },
      encoding: {
        x: { value: c.x },
        text: { field: c.field, type: 'nominal', title: c.title },
        tooltip: [
          { field: 'hour_text', type: 'nominal', title: 'hour (UTC)' },
          { field: 'txid_text', type: 'nominal', title: 'txid' },
          { field: 'btc_text', type: 'nominal', title: 'BTC' },
          { field: 'eur_text', type: 'nominal', title: 'EUR' },
        ],
      },
    })),
  },
});
