import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkFieldUsages, queryFieldUsages, type FieldRole } from '../../../kibana/query-field-usage.js';
import { jsonAttribute, parseSavedObjectsNdjson } from '../../../kibana/saved-object.js';
import { vegaQueries, vegaSpec } from '../../../kibana/vega-query.js';
import { ANALYST_NDJSON } from '../../../kibana/write-analyst-ndjson.js';
import { templateProperties } from './template-fields.js';

const objects = parseSavedObjectsNdjson(readFileSync(ANALYST_NDJSON, 'utf8'));
const templates = templateProperties();
const byId = new Map(objects.map((o) => [o.id, o]));

describe('fields used by the dashboards exist in the index templates with a suitable type', () => {
  const visualizations = objects.filter((o) => o.type === 'visualization');

  it.each(visualizations.map((v) => [v.id, v] as const))('vega queries of %s', (_id, v) => {
    const queries = vegaQueries(v);
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) {
      const properties = templates.get(q.index);
      expect(properties, `template for ${q.index}`).toBeDefined();
      expect(q.context).toBe(true);
      expect(q.timefield).toBe('@timestamp');
      expect(q.body.query).toBeUndefined();
      const { usages, problems } = queryFieldUsages(q.body, q.timefield);
      expect(problems).toEqual([]);
      expect(usages.length).toBeGreaterThan(1);
      expect(checkFieldUsages(usages, properties ?? {})).toEqual([]);
    }
  });

  it.each(visualizations.map((v) => [v.id, v] as const))('the spec of %s reads a part of the response its query produces', (_id, v) => {
    const spec = vegaSpec(v);
    // The path the spec's guarded transform reads (see kibana/panels/layered-panel.ts).
    const property = (spec.usermeta as { rows?: string } | undefined)?.rows ?? '';
    const [query] = vegaQueries(v);
    const match = /^aggregations\.([^.]+)\.buckets$/.exec(property);
    if (match) expect(Object.keys((query?.body.aggs ?? {}) as object)).toContain(match[1]);
    else expect(property).toBe('hits.hits');
  });

  it('saved search columns and sort exist in the template of its data view', () => {
    for (const s of objects.filter((o) => o.type === 'search')) {
      const ref = s.references.find((r) => r.type === 'index-pattern');
      const view = byId.get(ref?.id ?? '');
      const properties = templates.get(String(view?.attributes.title)) ?? {};
      const columns = s.attributes.columns as string[];
      const sort = s.attributes.sort as [string, string][];
      const usages = [
        ...columns.map((field) => ({ field, role: 'source' as FieldRole, where: 'columns' })),
        ...sort.map(([field]) => ({ field, role: 'sort' as FieldRole, where: 'sort' })),
      ];
      expect(columns.length).toBeGreaterThan(0);
      expect(checkFieldUsages(usages, properties)).toEqual([]);
      expect(jsonAttribute(s, ['kibanaSavedObjectMeta', 'searchSourceJSON'])).toMatchObject({ query: { query: '' } });
    }
  });

  it('every data view time field is a date in its template', () => {
    for (const v of objects.filter((o) => o.type === 'index-pattern')) {
      const properties = templates.get(String(v.attributes.title)) ?? {};
      expect(checkFieldUsages([{ field: String(v.attributes.timeFieldName), role: 'date', where: v.id }], properties)).toEqual([]);
    }
  });
});

describe('queryFieldUsages and checkFieldUsages', () => {
  const properties = { '@timestamp': { type: 'date' }, pool: { type: 'keyword' }, reward_sat: { type: 'long' }, note: { type: 'text' } };
  const cases: { name: string; body: Record<string, unknown>; problem: RegExp }[] = [
    { name: 'unknown field', body: { aggs: { a: { sum: { field: 'nope' } } } }, problem: /"nope" is not in the index template/ },
    { name: 'sum over a keyword', body: { aggs: { a: { sum: { field: 'pool' } } } }, problem: /"pool" has type keyword, unsuitable for numeric/ },
    { name: 'histogram over a keyword', body: { aggs: { a: { date_histogram: { field: 'pool', fixed_interval: '1h' } } } }, problem: /unsuitable for date/ },
    { name: 'terms over text', body: { aggs: { a: { terms: { field: 'note' } } } }, problem: /type text, unsuitable for term/ },
    { name: 'sort over text', body: { sort: [{ note: 'asc' }] }, problem: /unsuitable for sort/ },
    { name: 'a script', body: { aggs: { a: { sum: { field: 'reward_sat', script: 'x' } } } }, problem: /scripts are not available/ },
    { name: 'a non-core aggregation', body: { aggs: { a: { bucket_sort: { sort: [] } } } }, problem: /not a core aggregation/ },
    {
      name: 'the deprecated interval',
      body: { aggs: { a: { date_histogram: { field: '@timestamp', interval: '1h' } } } },
      problem: /fixed_interval or calendar_interval/,
    },
    {
      name: 'terms ordered by a missing sub-aggregation',
      body: { aggs: { a: { terms: { field: 'pool', order: { reward: 'desc' } }, aggs: { reward_sat: { sum: { field: 'reward_sat' } } } } } },
      problem: /unknown sub-aggregation "reward"/,
    },
  ];

  it.each(cases)('reports $name', ({ body, problem }) => {
    const { usages, problems } = queryFieldUsages(body);
    const all = [...problems, ...checkFieldUsages(usages, properties)].map((p) => p.message).join('\n');
    expect(all).toMatch(problem);
  });

  it('accepts a valid nested query and lists each use', () => {
    const body = {
      sort: [{ '@timestamp': { order: 'desc' } }],
      aggs: {
        days: {
          date_histogram: { field: '@timestamp', calendar_interval: '1d' },
          aggs: {
            pools: {
              terms: { field: 'pool', order: { reward_sat: 'desc' } },
              aggs: { reward_sat: { sum: { field: 'reward_sat' } }, last: { top_hits: { size: 1, _source: ['pool'], sort: ['@timestamp'] } } },
            },
          },
        },
      },
    };
    const { usages, problems } = queryFieldUsages(body, '@timestamp');
    expect(problems).toEqual([]);
    expect(checkFieldUsages(usages, properties)).toEqual([]);
    expect(usages.map((u) => `${u.role}:${u.field}`).sort()).toEqual(
      ['date:@timestamp', 'sort:@timestamp', 'date:@timestamp', 'term:pool', 'numeric:reward_sat', 'source:pool', 'sort:@timestamp'].sort(),
    );
  });
});
