import type { Client } from '@elastic/elasticsearch';
import type { TimeRange } from './vega-query.js';
import { DASHBOARD_ID } from './analyst-dashboard.js';

/** Where `npm run kibana:import` sends the dashboards unless told otherwise (deploy/docker-compose.yml). */
export const DEFAULT_KIBANA_URL = 'http://127.0.0.1:5601';

/**
 * The time range that covers every document of `indices` (from the start of the first document's
 * UTC day to the end of the last one's), or undefined when they hold none (or do not exist).
 */
export async function dataTimeRange(es: Client, indices: readonly string[]): Promise<TimeRange | undefined> {
  const r = await es.search({
    index: indices.join(','),
    size: 0,
    ignore_unavailable: true,
    allow_no_indices: true,
    aggs: { first: { min: { field: '@timestamp' } }, last: { max: { field: '@timestamp' } } },
  });
  const aggs = r.aggregations as { first?: { value: number | null }; last?: { value: number | null } } | undefined;
  const first = aggs?.first?.value;
  const last = aggs?.last?.value;
  if (first === null || first === undefined || last === null || last === undefined) return undefined;
  const day = 86_400_000;
  return { from: new Date(Math.floor(first / day) * day).toISOString(), to: new Date((Math.floor(last / day) + 1) * day).toISOString() };
}

/** The analyst dashboard in Kibana at `kibanaUrl`, over `range` (absolute times, so the link keeps showing the same data). */
export function dashboardUrl(kibanaUrl: string, range: TimeRange): string {
  const base = kibanaUrl.replace(/\/+$/, '');
  return `${base}/app/dashboards#/view/${DASHBOARD_ID}?_g=(time:(from:'${range.from}',to:'${range.to}'))`;
}
