import { describe, expect, it } from 'vitest';
import { analystPanels } from '../../../kibana/analyst-dashboard.js';
import { panelLayoutProblems } from '../../../kibana/panel-layout-check.js';
import { NO_DATA_TEXT, guardedRowsExpression } from '../../../kibana/panels/layered-panel.js';

const panels = analystPanels('btc');

describe('every Kibana panel reads well in Kibana 8', () => {
  it.each(panels.map((p) => [p.id, p] as const))('%s: a view Kibana resizes, every time in UTC', (_id, panel) => {
    expect(panelLayoutProblems(panel.spec)).toEqual([]);
  });

  it.each(panels.map((p) => [p.id, p] as const))('%s: says so when the range has no data', (_id, panel) => {
    expect(JSON.stringify(panel.spec)).toContain(NO_DATA_TEXT);
  });

  it.each(panels.map((p) => [p.id, p] as const))('%s: reads its rows through a guard, never through format.property', (_id, panel) => {
    const spec = panel.spec as { data: { format: Record<string, unknown> }; usermeta: { rows: string } };
    expect(spec.data.format.property).toBeUndefined();
    expect(JSON.stringify(spec)).toContain(JSON.stringify(guardedRowsExpression(spec.usermeta.rows)).slice(1, -1));
  });
});

describe('panelLayoutProblems', () => {
  const fit = { autosize: { type: 'fit' } };
  const cases: { name: string; spec: Record<string, unknown>; problem: RegExp }[] = [
    { name: 'a vconcat', spec: { ...fit, vconcat: [{ mark: 'bar' }] }, problem: /"vconcat" view/ },
    { name: 'a nested hconcat', spec: { ...fit, layer: [{ hconcat: [] }] }, problem: /"hconcat" view/ },
    { name: 'a facet', spec: { ...fit, facet: { row: { field: 'p' } }, spec: {} }, problem: /"facet" view/ },
    { name: 'no fit', spec: { mark: 'bar' }, problem: /autosize/ },
    { name: 'a fixed height', spec: { ...fit, height: 300 }, problem: /fixed size/ },
    { name: 'a local time axis', spec: { ...fit, encoding: { x: { field: 't', type: 'temporal' } } }, problem: /not shown in UTC/ },
    {
      name: 'a utc time unit with its own format (written with timeFormat)',
      spec: { ...fit, encoding: { tooltip: [{ field: 't', type: 'temporal', timeUnit: 'utcyearmonthdatehours', format: '%H:00' }] } },
      problem: /not shown in UTC/,
    },
    { name: 'timeFormat in a transform', spec: { ...fit, transform: [{ calculate: "timeFormat(datum.t, '%H')", as: 'h' }] }, problem: /local-time function/ },
    { name: 'hours() in a filter', spec: { ...fit, transform: [{ filter: 'hours(datum.t) > 3' }] }, problem: /local-time function/ },
  ];

  it.each(cases)('reports $name', ({ spec, problem }) => {
    expect(
      panelLayoutProblems(spec)
        .map((p) => p.message)
        .join('\n'),
    ).toMatch(problem);
  });

  it('accepts UTC scales, utc time units without format, and utc expressions', () => {
    const spec = {
      ...fit,
      transform: [{ calculate: "utcFormat(datum.t, '%H') + utchours(datum.t)", as: 'h' }],
      layer: [
        {
          encoding: { x: { field: 't', type: 'temporal', scale: { type: 'utc' } }, tooltip: [{ field: 't', type: 'temporal', timeUnit: 'utcyearmonthdate' }] },
        },
      ],
    };
    expect(panelLayoutProblems(spec)).toEqual([]);
  });
});
