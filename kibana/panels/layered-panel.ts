import { VEGA_LITE_SCHEMA, contextQuery } from './vega-panel.js';

/**
 * The shape every panel's spec takes so that Kibana 8 draws it well: one layered view (Kibana
 * resizes a single or layered view to its panel with `autosize: fit`; it does not resize
 * concatenated or faceted views), rows read from the search response through a guard (a response
 * without them, e.g. before setup created the index, gives no rows instead of a red error), and a
 * "no data in this range" text when there are no rows.
 */

/** Kibana resizes a view with this autosize to its panel, axes and legends included. */
export const FIT_AUTOSIZE = { type: 'fit', contains: 'padding' } as const;

/** The message drawn in the middle of an empty panel. */
export const NO_DATA_TEXT = 'no data in this range';

/** Field holding one row (a bucket or a hit) of the response; the panel's transforms read `datum.r`. */
export const ROW = 'r';

/** Options of `layeredPanelSpec`. */
export interface LayeredPanelOptions {
  title: string | Record<string, unknown>;
  index: string;
  /** The search body (Kibana adds the dashboard's time range and filters as its query). */
  body: Record<string, unknown>;
  /** Where the rows are in the response, e.g. `aggregations.hours.buckets` or `hits.hits`. */
  rows: string;
  /** Transforms of every data layer, after the rows are split out (each row under `datum.r`). */
  transform: readonly Record<string, unknown>[];
  /** Encodings shared by the data layers. */
  encoding?: Record<string, unknown>;
  layers: readonly Record<string, unknown>[];
  resolve?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** A Vega expression giving the array at `path` of the response, or an empty array when any part is missing. */
export function guardedRowsExpression(path: string): string {
  const parts = path.split('.');
  const prefixes = parts.map((_, i) => `datum.${parts.slice(0, i + 1).join('.')}`);
  return `${prefixes.map((p) => `isValid(${p})`).join(' && ')} ? ${prefixes.at(-1)} : []`;
}

function noDataLayer(rows: string): Record<string, unknown> {
  return {
    transform: [{ calculate: `length(${guardedRowsExpression(rows)})`, as: 'rows' }, { filter: 'datum.rows === 0' }],
    mark: { type: 'text', text: NO_DATA_TEXT, fontSize: 16, color: '#718096' },
    encoding: { x: { value: { expr: 'width / 2' } }, y: { value: { expr: 'height / 2' } } },
  };
}

/** The Vega-Lite spec of a panel (see the module comment); `usermeta.rows` names the part of the response it reads. */
export function layeredPanelSpec(options: LayeredPanelOptions): Record<string, unknown> {
  const rowTransforms = [{ calculate: guardedRowsExpression(options.rows), as: ROW }, { flatten: [ROW] }, ...options.transform];
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: options.title,
    autosize: FIT_AUTOSIZE,
    usermeta: { rows: options.rows },
    // No `format.property`: the response is one datum, so that a missing part is guarded above.
    data: { url: contextQuery(options.index, options.body), format: { type: 'json' } },
    layer: [
      {
        transform: rowTransforms,
        ...(options.encoding ? { encoding: options.encoding } : {}),
        layer: options.layers,
        ...(options.resolve ? { resolve: options.resolve } : {}),
      },
      noDataLayer(options.rows),
    ],
    // The parent resolves as the data layers do, or Vega-Lite would merge their scales again.
    ...(options.resolve ? { resolve: options.resolve } : {}),
    // Over a range without data Vega warns of the empty (infinite) extents of the scales, which
    // Kibana would overlay on the "no data" text; the tests check that with data no warning is left.
    config: { ...options.config, kibana: { hideWarnings: true } },
  };
}
