import type { Client } from '@elastic/elasticsearch';
import { analystPanels } from '../kibana/analyst-dashboard.js';
import type { VegaPanel } from '../kibana/panels/vega-panel.js';
import { resolveVegaQuery, specQueries, type TimeRange } from '../kibana/vega-query.js';

/**
 * The analyst view's data: the Kibana panels of the dashboard for one namespace, each with its
 * Elasticsearch query run here as Kibana runs it (the time range and an empty query in place of
 * `%context%`/`%timefield%`) and the response put where the spec's `url` was, as Kibana does.
 */

/** A panel ready for vega-embed: its spec holds the search response instead of the query. */
export interface RenderedPanel {
  id: string;
  title: string;
  description: string;
  grid: VegaPanel['grid'];
  spec: Record<string, unknown>;
}

type Json = Record<string, unknown>;

/** Replaces the `url` at `path` (e.g. `data.url`, `layer[0].data.url`) with `values`. */
function inlineValues(spec: Json, path: string, values: unknown): Json {
  const copy = structuredClone(spec);
  const parts = path.split('.').flatMap((p) => p.split(/\[(\d+)\]/).filter((x) => x !== ''));
  let parent: unknown = copy;
  for (const part of parts.slice(0, -1)) parent = (parent as Record<string, unknown>)[part];
  const data = parent as Json;
  delete data.url;
  data.values = values;
  return copy;
}

/**
 * Runs every panel's query over `range` and returns the panels with the responses inlined. A
 * missing index answers like Kibana's search does (no hits, no aggregations), so that the panels
 * show their "no data" text rather than an error before setup.
 */
export async function renderedPanels(es: Client, namespace: string, range: TimeRange): Promise<RenderedPanel[]> {
  return Promise.all(
    analystPanels(namespace).map(async (panel) => {
      let spec = panel.spec;
      for (const query of specQueries(panel.spec, panel.id)) {
        const { index, body } = resolveVegaQuery(query, range);
        const response = await es.search({ index, ...body, ignore_unavailable: true, allow_no_indices: true });
        spec = inlineValues(spec, query.path, response);
      }
      return { id: panel.id, title: panel.title, description: panel.description, grid: panel.grid, spec };
    }),
  );
}
