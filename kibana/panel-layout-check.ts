import type { Problem } from '../pipeline/runtime/index.js';

/**
 * Static checks of a Vega-Lite panel spec for what Kibana 8 draws badly: a composed view that
 * Kibana does not resize to its panel (concatenation, facet, repeat), and a time shown to a
 * person in the browser's time zone instead of UTC.
 */

/** Composition operators whose views Kibana leaves at their own size (it resizes single and layered views). */
export const UNRESIZED_COMPOSITIONS = ['vconcat', 'hconcat', 'concat', 'facet', 'repeat'] as const;

/** Vega expression functions that read or write a time in the browser's time zone. */
const LOCAL_TIME_FUNCTIONS = [
  'timeFormat',
  'timeParse',
  'year',
  'quarter',
  'month',
  'week',
  'date',
  'day',
  'dayofyear',
  'hours',
  'minutes',
  'seconds',
  'milliseconds',
  'datetime',
];
const LOCAL_TIME_CALL = new RegExp(`(^|[^\\w.])(${LOCAL_TIME_FUNCTIONS.join('|')})\\s*\\(`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a field definition with `type: temporal` is shown in UTC (a UTC scale, or a UTC time unit without its own format). */
function temporalIsUtc(def: Record<string, unknown>): boolean {
  const scale = def.scale;
  if (isObject(scale) && scale.type === 'utc') return true;
  const timeUnit = typeof def.timeUnit === 'string' ? def.timeUnit : isObject(def.timeUnit) ? def.timeUnit.unit : undefined;
  // With its own `format`, Vega-Lite writes a time-unit field with timeFormat (local) unless the scale is UTC.
  return typeof timeUnit === 'string' && timeUnit.startsWith('utc') && def.format === undefined;
}

/** Every problem of `spec` (paths like `layer[0].encoding.x`). */
export function panelLayoutProblems(spec: unknown): Problem[] {
  const problems: Problem[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`));
      return;
    }
    if (typeof value === 'string') {
      if (LOCAL_TIME_CALL.test(value)) problems.push({ path, message: `expression uses a local-time function (use its utc form): ${value}` });
      return;
    }
    if (!isObject(value)) return;
    for (const op of UNRESIZED_COMPOSITIONS) {
      if (op in value) problems.push({ path: path || '(top)', message: `"${op}" view: Kibana does not resize it to its panel (use a single or layered view)` });
    }
    if (value.type === 'temporal' && 'field' in value && !temporalIsUtc(value)) {
      problems.push({ path, message: 'temporal field not shown in UTC: give it scale {type: "utc"} or a utc timeUnit without format' });
    }
    for (const [key, child] of Object.entries(value)) {
      // Data (inline values, Elasticsearch queries) is not shown as such.
      if (key === 'data' || key === 'values' || key === 'usermeta') continue;
      walk(child, path === '' ? key : `${path}.${key}`);
    }
  };
  walk(spec, '');
  if (isObject(spec)) {
    const autosize = spec.autosize;
    if (!isObject(autosize) || autosize.type !== 'fit')
      problems.push({ path: 'autosize', message: 'Kibana fits a view to its panel only with autosize {type: "fit"}' });
    for (const key of ['width', 'height']) {
      if (key in spec) problems.push({ path: key, message: 'a fixed size: Kibana sets the view to its panel' });
    }
  }
  return problems;
}
