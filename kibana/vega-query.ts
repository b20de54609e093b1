import { SchemaError } from '../pipeline/runtime/index.js';
import { jsonAttribute, type SavedObject } from './saved-object.js';

/**
 * The Elasticsearch queries embedded in Vega visualizations, and how Kibana turns one into a
 * search request: with `%context%: true` and `%timefield%`, Kibana adds the dashboard's query,
 * filters and time range as the request's `query` (so the spec's body must not have one).
 */

/** One Kibana Elasticsearch data source found in a Vega spec. */
export interface VegaQuery {
  visualizationId: string;
  /** JSON path of the `url` inside the spec, e.g. `data.url`. */
  path: string;
  index: string;
  body: Record<string, unknown>;
  context: boolean;
  timefield?: string;
}

/** A time range as Kibana's time picker gives it (ISO 8601). */
export interface TimeRange {
  from: string;
  to: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The parsed Vega or Vega-Lite spec of a `vega` visualization. */
export function vegaSpec(object: SavedObject): Record<string, unknown> {
  const visState = jsonAttribute(object, ['visState']);
  if (!isObject(visState) || visState.type !== 'vega' || !isObject(visState.params) || typeof visState.params.spec !== 'string') {
    throw new SchemaError('vega visualization', [{ path: `${object.id}.visState`, message: 'not a vega visState with params.spec' }]);
  }
  const spec: unknown = JSON.parse(visState.params.spec);
  if (!isObject(spec)) throw new SchemaError('vega visualization', [{ path: `${object.id}.spec`, message: 'not an object' }]);
  return spec;
}

/** Every Elasticsearch data source (`url` objects with an `index`) anywhere in the spec. */
export function vegaQueries(object: SavedObject): VegaQuery[] {
  return specQueries(vegaSpec(object), object.id);
}

/** Every Elasticsearch data source of a Vega or Vega-Lite spec (`visualizationId` names it in messages). */
export function specQueries(spec: Record<string, unknown>, visualizationId: string): VegaQuery[] {
  const found: VegaQuery[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`));
      return;
    }
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      if (key === 'url' && isObject(child) && typeof child.index === 'string') {
        const body = isObject(child.body) ? child.body : {};
        found.push({
          visualizationId,
          path: childPath,
          index: child.index,
          body,
          context: child['%context%'] === true,
          ...(typeof child['%timefield%'] === 'string' ? { timefield: child['%timefield%'] } : {}),
        });
      } else {
        walk(child, childPath);
      }
    }
  };
  walk(spec, '');
  return found;
}

function replaceTokens(value: unknown, range: TimeRange, where: string): unknown {
  if (Array.isArray(value)) return value.map((v) => replaceTokens(v, range, where));
  if (!isObject(value)) return value;
  if ('%timefilter%' in value) {
    const which = value['%timefilter%'];
    if (which === 'min') return range.from;
    if (which === 'max') return range.to;
    if (which === true) return { gte: range.from, lte: range.to, format: 'strict_date_optional_time' };
  }
  for (const key of Object.keys(value)) {
    if (key.startsWith('%')) {
      throw new SchemaError('vega query', [{ path: `${where}.${key}`, message: 'token not supported by this resolver' }]);
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceTokens(v, range, where)]));
}

/**
 * The search request Kibana sends for `query` with an empty dashboard query and no filters over
 * `range`. `index` overrides the index (tests run the query on their own namespace).
 */
export function resolveVegaQuery(query: VegaQuery, range: TimeRange, index: string = query.index): { index: string; body: Record<string, unknown> } {
  const where = `${query.visualizationId}.${query.path}`;
  const body = replaceTokens(query.body, range, where) as Record<string, unknown>;
  if (query.context || query.timefield !== undefined) {
    if ('query' in body) {
      throw new SchemaError('vega query', [{ path: `${where}.body.query`, message: 'a context query must not define its own query' }]);
    }
    const must: unknown[] = [{ match_all: {} }];
    if (query.timefield !== undefined) {
      must.push({ range: { [query.timefield]: { gte: range.from, lte: range.to, format: 'strict_date_optional_time' } } });
    }
    body.query = { bool: { must, filter: [], should: [], must_not: [] } };
  }
  return { index, body };
}
