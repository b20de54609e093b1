import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allIndices, names } from '../../../pipeline/contracts/names.js';
import { DASHBOARD_TITLE, buildAnalystSavedObjects } from '../../../kibana/analyst-dashboard.js';
import { jsonAttribute, parseSavedObjectsNdjson, toNdjson, type SavedObject } from '../../../kibana/saved-object.js';
import { vegaSpec } from '../../../kibana/vega-query.js';
import { ANALYST_NDJSON } from '../../../kibana/write-analyst-ndjson.js';
import { SchemaError } from '../../../pipeline/runtime/index.js';

const text = readFileSync(ANALYST_NDJSON, 'utf8');
const objects = parseSavedObjectsNdjson(text);
const byKey = new Map(objects.map((o) => [`${o.type}/${o.id}`, o]));
const ofType = (type: string) => objects.filter((o) => o.type === type);

interface DashboardPanel {
  type: string;
  panelIndex: string;
  panelRefName: string;
  gridData: { x: number; y: number; w: number; h: number; i: string };
  embeddableConfig: Record<string, unknown>;
}

describe('kibana/bitcoin-analyst.ndjson', () => {
  it('has one JSON object per non-empty line and ends with a newline', () => {
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    for (const line of lines.slice(0, -1)) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(objects).toHaveLength(lines.length - 1);
  });

  it('is exactly what the builder produces (regenerate with npx tsx kibana/write-analyst-ndjson.ts)', () => {
    expect(text).toBe(toNdjson(buildAnalystSavedObjects('btc')));
  });

  it('has unique type/id pairs', () => {
    expect(byKey.size).toBe(objects.length);
  });

  it('resolves every reference to an object of the same type in the file', () => {
    for (const o of objects) {
      for (const ref of o.references) expect(byKey.has(`${ref.type}/${ref.id}`), `${o.id} -> ${ref.type}/${ref.id}`).toBe(true);
    }
  });

  it('has a data view per index with @timestamp as time field', () => {
    const views = ofType('index-pattern');
    const titles = views.map((v) => v.attributes.title).sort();
    expect(titles).toEqual(allIndices(names('btc')).sort());
    for (const v of views) {
      expect(v.attributes.timeFieldName).toBe('@timestamp');
      for (const attr of ['fields', 'fieldAttrs', 'fieldFormatMap', 'runtimeFieldMap', 'sourceFilters']) {
        expect(() => jsonAttribute(v, [attr])).not.toThrow();
      }
    }
  });

  it('has vega visualizations whose state, spec and search source parse', () => {
    const visualizations = ofType('visualization');
    expect(visualizations.length).toBeGreaterThanOrEqual(5);
    for (const v of visualizations) {
      const visState = jsonAttribute(v, ['visState']) as { title: string; type: string; aggs: unknown[] };
      expect(visState.type).toBe('vega');
      expect(visState.title).toBe(v.attributes.title);
      expect(visState.aggs).toEqual([]);
      expect(vegaSpec(v).$schema).toBe('https://vega.github.io/schema/vega-lite/v5.json');
      expect(jsonAttribute(v, ['uiStateJSON'])).toEqual({});
      expect(jsonAttribute(v, ['kibanaSavedObjectMeta', 'searchSourceJSON'])).toMatchObject({ filter: [] });
      expect(v.attributes.version).toBe(1);
    }
  });

  it('has a saved search whose index reference name matches its search source', () => {
    for (const s of ofType('search')) {
      const source = jsonAttribute(s, ['kibanaSavedObjectMeta', 'searchSourceJSON']) as { indexRefName: string };
      const ref = s.references.find((r) => r.name === source.indexRefName);
      expect(ref?.type).toBe('index-pattern');
    }
  });

  it('has the "Bitcoin analyst" dashboard whose panels point at its references and tile the grid', () => {
    const dashboards = ofType('dashboard');
    expect(dashboards.map((d) => d.attributes.title)).toEqual([DASHBOARD_TITLE]);
    const dashboard = dashboards[0] as SavedObject;
    const panels = jsonAttribute(dashboard, ['panelsJSON']) as DashboardPanel[];
    expect(panels.length).toBe(dashboard.references.length);
    const cells = new Set<string>();
    for (const p of panels) {
      const ref = dashboard.references.find((r) => r.name === `${p.panelIndex}:${p.panelRefName}`);
      expect(ref, p.panelIndex).toBeDefined();
      expect(ref?.type).toBe(p.type);
      expect(p.gridData.i).toBe(p.panelIndex);
      expect(p.gridData.x + p.gridData.w).toBeLessThanOrEqual(48);
      for (let x = p.gridData.x; x < p.gridData.x + p.gridData.w; x++)
        for (let y = p.gridData.y; y < p.gridData.y + p.gridData.h; y++) {
          expect(cells.has(`${x},${y}`), `overlap at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
    // Every visualization and saved search of the file is on the dashboard.
    const onDashboard = new Set(dashboard.references.map((r) => `${r.type}/${r.id}`));
    for (const o of [...ofType('visualization'), ...ofType('search')]) expect(onDashboard.has(`${o.type}/${o.id}`), o.id).toBe(true);
    expect(jsonAttribute(dashboard, ['optionsJSON'])).toMatchObject({ useMargins: true });
    expect(jsonAttribute(dashboard, ['kibanaSavedObjectMeta', 'searchSourceJSON'])).toEqual({ query: { query: '', language: 'kuery' }, filter: [] });
  });

  it('carries 8.8+ migration fields on every object', () => {
    for (const o of objects) {
      expect(o.coreMigrationVersion).toBe('8.8.0');
      expect(o.typeMigrationVersion.split('.').map(Number)[0]).toBe(8);
    }
  });
});

describe('parseSavedObjectsNdjson', () => {
  it('names every bad line', () => {
    const good = JSON.stringify({ type: 'dashboard', id: 'd', attributes: {}, references: [], coreMigrationVersion: '8.8.0', typeMigrationVersion: '8.9.0' });
    const bad = JSON.stringify({ type: 'dashboard', id: 'd2', attributes: {}, coreMigrationVersion: '8.8.0', typeMigrationVersion: '8.9.0' });
    try {
      parseSavedObjectsNdjson(`${good}\n{not json\n${bad}\n`);
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(SchemaError);
      const paths = (err as SchemaError).problems.map((p) => p.path);
      expect(paths.some((p) => p.startsWith('line 2'))).toBe(true);
      expect(paths.some((p) => p.startsWith('line 3: references'))).toBe(true);
      expect(paths.some((p) => p.startsWith('line 1'))).toBe(false);
    }
  });

  it('builds the same objects for another namespace with that namespace in every index', () => {
    const other = buildAnalystSavedObjects('acme');
    const text = toNdjson(other);
    expect(text).not.toMatch(/"btc-(prices|blocks|transactions|volume-hourly|miners-daily|miners-monthly)/);
    expect(text).toContain('acme-volume-hourly');
  });
});
