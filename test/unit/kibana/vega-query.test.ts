import { describe, expect, it } from 'vitest';
import { resolveVegaQuery, vegaQueries, type VegaQuery } from '../../../kibana/vega-query.js';
import type { SavedObject } from '../../../kibana/saved-object.js';
import { SchemaError } from '../../../pipeline/runtime/index.js';

const range = { from: '2012-01-01T00:00:00.000Z', to: '2030-01-01T00:00:00.000Z' };

function vis(spec: unknown): SavedObject {
  return {
    type: 'visualization',
    id: 'v1',
    attributes: { title: 't', visState: JSON.stringify({ title: 't', type: 'vega', aggs: [], params: { spec: JSON.stringify(spec) } }) },
    references: [],
    coreMigrationVersion: '8.8.0',
    typeMigrationVersion: '8.5.0',
  };
}

describe('vegaQueries', () => {
  it('finds Elasticsearch data sources anywhere in the spec and ignores inline data', () => {
    const spec = {
      data: { url: { index: 'a', '%context%': true, '%timefield%': '@timestamp', body: { size: 0 } } },
      layer: [{ data: { values: [{ x: 1 }] } }, { data: { url: { index: 'b', body: { query: { match_all: {} } } } } }],
    };
    const found = vegaQueries(vis(spec));
    expect(found.map((q) => [q.index, q.path, q.context, q.timefield])).toEqual([
      ['a', 'data.url', true, '@timestamp'],
      ['b', 'layer[1].data.url', false, undefined],
    ]);
  });

  it('rejects a visualization that is not vega', () => {
    const o = vis({});
    o.attributes.visState = JSON.stringify({ title: 't', type: 'line', params: {} });
    expect(() => vegaQueries(o)).toThrow(SchemaError);
  });
});

describe('resolveVegaQuery', () => {
  const base: VegaQuery = { visualizationId: 'v', path: 'data.url', index: 'btc-prices', body: { size: 0 }, context: true, timefield: '@timestamp' };

  it('adds the dashboard time range on the time field, as Kibana does, and keeps the body', () => {
    const { index, body } = resolveVegaQuery(base, range, 'ns-prices');
    expect(index).toBe('ns-prices');
    expect(body.size).toBe(0);
    expect(body.query).toEqual({
      bool: {
        must: [{ match_all: {} }, { range: { '@timestamp': { gte: range.from, lte: range.to, format: 'strict_date_optional_time' } } }],
        filter: [],
        should: [],
        must_not: [],
      },
    });
    expect(base.body.query).toBeUndefined();
  });

  it('refuses a context query that has its own query', () => {
    expect(() => resolveVegaQuery({ ...base, body: { query: { match_all: {} } } }, range)).toThrow(/must not define its own query/);
  });

  it('replaces %timefilter% bounds and refuses tokens it cannot resolve', () => {
    const withBounds = {
      ...base,
      body: { aggs: { h: { date_histogram: { extended_bounds: { min: { '%timefilter%': 'min' }, max: { '%timefilter%': 'max' } } } } } },
    };
    const resolved = resolveVegaQuery(withBounds, range).body as { aggs: { h: { date_histogram: { extended_bounds: unknown } } } };
    expect(resolved.aggs.h.date_histogram.extended_bounds).toEqual({ min: range.from, max: range.to });
    expect(() => resolveVegaQuery({ ...base, body: { aggs: { h: { date_histogram: { fixed_interval: { '%autointerval%': true } } } } } }, range)).toThrow(
      /not supported/,
    );
  });

  it('leaves a query without context untouched', () => {
    const q = { ...base, context: false, body: { query: { term: { pool: 'x' } } } };
    delete (q as Partial<VegaQuery>).timefield;
    expect(resolveVegaQuery(q, range).body).toEqual({ query: { term: { pool: 'x' } } });
  });
});
