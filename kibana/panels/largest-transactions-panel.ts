import { ROW, layeredPanelSpec } from './layered-panel.js';
import type { VegaPanelFactory } from './vega-panel.js';

/** Most recent hours listed (the dashboard's time range selects which); few enough to read at the panel's height. */
export const LARGEST_TRANSACTIONS_ROWS = 12;

/** Columns: where each starts (left) or ends (right), as a share of the view's width. */
const COLUMNS = [
  { field: 'hour_text', title: 'hour (UTC)', at: 0, align: 'left' },
  { field: 'txid_text', title: 'largest transaction (txid)', at: 0.14, align: 'left' },
  { field: 'btc_text', title: 'BTC', at: 0.8, align: 'right' },
  { field: 'eur_text', title: 'EUR', at: 1, align: 'right' },
] as const;

const ROW_NUMBERS = Array.from({ length: LARGEST_TRANSACTIONS_ROWS }, (_, i) => i + 1);

/**
 * The largest confirmed non-coinbase transaction of each UTC hour (by output total), with its
 * txid, as a table read from the one-document-per-hour aggregate, newest hour first. A fixed
 * number of rows, each a band of the fitted height, so that the table reads the same at any size.
 */
export const largestTransactionsPanel: VegaPanelFactory = (indices) => ({
  id: 'btc-analyst-largest-transactions',
  title: 'Largest transaction of each hour',
  description:
    'Which single transaction moved the most value in each UTC hour, and how much in BTC and EUR? Output total of the largest non-coinbase transaction, newest hour first.',
  grid: { w: 48, h: 18 },
  spec: layeredPanelSpec({
    title: { text: `Largest transaction of each hour (newest ${LARGEST_TRANSACTIONS_ROWS} hours of the range)`, anchor: 'start' },
    index: indices.volumeHourly,
    body: {
      size: LARGEST_TRANSACTIONS_ROWS,
      sort: [{ '@timestamp': { order: 'desc' } }],
      _source: ['@timestamp', 'max_tx_txid', 'max_tx_sat', 'max_tx_btc', 'max_tx_eur'],
    },
    rows: 'hits.hits',
    transform: [
      { calculate: `utcFormat(toDate(datum.${ROW}._source['@timestamp']), '%Y-%m-%d %H:00')`, as: 'hour_text' },
      { calculate: `datum.${ROW}._source.max_tx_txid ? datum.${ROW}._source.max_tx_txid : '-'`, as: 'txid_text' },
      { calculate: `isValid(datum.${ROW}._source.max_tx_sat) ? format(datum.${ROW}._source.max_tx_sat / 1e8, ',.8f') : '-'`, as: 'btc_text' },
      { calculate: `isValid(datum.${ROW}._source.max_tx_eur) ? format(datum.${ROW}._source.max_tx_eur, ',.2f') : '-'`, as: 'eur_text' },
      { window: [{ op: 'row_number', as: 'row' }], sort: [{ field: 'hour_text', order: 'descending' }] },
    ],
    encoding: {
      y: { field: 'row', type: 'ordinal', scale: { domain: ROW_NUMBERS, paddingInner: 0.2 }, axis: null },
      tooltip: [
        { field: 'hour_text', type: 'nominal', title: 'hour (UTC)' },
        { field: 'txid_text', type: 'nominal', title: 'txid' },
        { field: 'btc_text', type: 'nominal', title: 'BTC' },
        { field: 'eur_text', type: 'nominal', title: 'EUR' },
      ],
    },
    layers: [
      // Zebra stripes on every other row help the eye along a wide row.
      {
        transform: [{ filter: 'datum.row % 2 === 0' }],
        mark: { type: 'rect', color: '#edf2f7' },
        encoding: { x: { value: 0 }, x2: { value: { expr: 'width' } } },
      },
      ...COLUMNS.map((c) => ({
        mark: { type: 'text', align: c.align, baseline: 'middle', font: 'monospace', fontSize: 12 },
        encoding: { x: { value: { expr: `width * ${c.at}` } }, text: { field: c.field, type: 'nominal' } },
      })),
      // Column headings above the first row.
      ...COLUMNS.map((c) => ({
        transform: [{ filter: 'datum.row === 1' }],
        mark: { type: 'text', align: c.align, baseline: 'bottom', fontWeight: 'bold', fontSize: 12, text: c.title, dy: -14 },
        encoding: { x: { value: { expr: `width * ${c.at}` } }, tooltip: null },
      })),
    ],
  }),
});
