import type { Names } from '../../pipeline/contracts/names.js';

/**
 * One dashboard panel drawn with Vega-Lite. The Elasticsearch query lives in the spec
 * (`data.url`, with Kibana's `%context%` and `%timefield%` so that the dashboard's time range and
 * filters apply), so that tests can run exactly the query that Kibana runs.
 */
export interface VegaPanel {
  /** Saved object id (stable: re-importing overwrites the same object). */
  id: string;
  title: string;
  /** The question the panel answers, shown as the visualization's description. */
  description: string;
  /** Vega-Lite spec; `data.url` is a Kibana Elasticsearch query. */
  spec: Record<string, unknown>;
  /** Size on the dashboard grid (48 columns wide). */
  grid: { w: number; h: number };
}

/** Builds a panel for the indices of one namespace. */
export type VegaPanelFactory = (indices: Names['indices']) => VegaPanel;

/** The Vega-Lite schema Kibana 8.x renders. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** A Kibana Elasticsearch data source: the dashboard's time range on `@timestamp` and its filters. */
export function contextQuery(index: string, body: Record<string, unknown>): Record<string, unknown> {
  return { index, '%context%': true, '%timefield%': '@timestamp', body };
}

/** The project's colours: BTC amounts, EUR amounts, counts, pending (unconfirmed) amounts. */
export const COLORS = { btc: '#f7931a', eur: '#2b6cb0', count: '#718096', pending: '#c05621' } as const;
