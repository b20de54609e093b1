import type { Problem } from '../pipeline/runtime/index.js';

/**
 * Which index fields an Elasticsearch search body uses, and for what, so that dashboards can be
 * checked against the index templates without Kibana. Only core aggregations are accepted (the
 * project's Elasticsearch has no scripts and no `aggregations` module).
 */

/** What a field is used for, which decides the mapping types it may have. */
export type FieldRole = 'date' | 'numeric' | 'term' | 'sort' | 'source';

/** One use of one field. */
export interface FieldUsage {
  field: string;
  role: FieldRole;
  /** Where in the body, for messages. */
  where: string;
}

const METRIC_AGGS = new Set(['sum', 'min', 'max', 'avg', 'stats']);
const ANY_FIELD_AGGS = new Set(['value_count', 'cardinality']);
const BUCKET_AGGS = new Set(['terms', 'date_histogram', 'histogram', 'filter', 'filters', 'range']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function sortFields(sort: unknown, where: string, out: FieldUsage[], problems: Problem[]): void {
  const items = Array.isArray(sort) ? sort : [sort];
  for (const item of items) {
    if (typeof item === 'string') out.push({ field: item, role: 'sort', where });
    else if (isObject(item)) for (const field of Object.keys(item)) out.push({ field, role: 'sort', where });
    else problems.push({ path: where, message: 'unreadable sort' });
  }
}

function sourceFields(source: unknown, where: string, out: FieldUsage[], problems: Problem[]): void {
  const list = Array.isArray(source) ? source : isObject(source) && Array.isArray(source.includes) ? source.includes : undefined;
  if (list === undefined) {
    problems.push({ path: where, message: '_source must list its fields' });
    return;
  }
  for (const field of list) {
    if (typeof field === 'string') out.push({ field, role: 'source', where });
  }
}

function walkAggs(aggs: unknown, where: string, out: FieldUsage[], problems: Problem[]): void {
  if (!isObject(aggs)) {
    problems.push({ path: where, message: 'aggs must be an object' });
    return;
  }
  for (const [name, definition] of Object.entries(aggs)) {
    const at = `${where}.${name}`;
    if (!isObject(definition)) {
      problems.push({ path: at, message: 'aggregation must be an object' });
      continue;
    }
    const subAggs = definition.aggs ?? definition.aggregations;
    const types = Object.keys(definition).filter((k) => k !== 'aggs' && k !== 'aggregations' && k !== 'meta');
    if (types.length !== 1) {
      problems.push({ path: at, message: `expected one aggregation type, found ${types.join(', ') || 'none'}` });
      continue;
    }
    const type = types[0] as string;
    const params = definition[type];
    if (!isObject(params)) {
      problems.push({ path: at, message: 'aggregation parameters must be an object' });
      continue;
    }
    if ('script' in params) problems.push({ path: at, message: 'scripts are not available' });
    const field = typeof params.field === 'string' ? params.field : undefined;
    if (type === 'date_histogram') {
      if (field) out.push({ field, role: 'date', where: at });
      if (!('fixed_interval' in params) && !('calendar_interval' in params)) {
        problems.push({ path: at, message: 'date_histogram needs fixed_interval or calendar_interval' });
      }
    } else if (type === 'terms') {
      if (field) out.push({ field, role: 'term', where: at });
      const order = params.order;
      for (const o of Array.isArray(order) ? order : order === undefined ? [] : [order]) {
        if (!isObject(o)) continue;
        for (const key of Object.keys(o)) {
          const target = key.split('.')[0] as string;
          if (key !== '_key' && key !== '_count' && !(isObject(subAggs) && target in subAggs)) {
            problems.push({ path: at, message: `terms order refers to unknown sub-aggregation "${key}"` });
          }
        }
      }
    } else if (METRIC_AGGS.has(type)) {
      if (field) out.push({ field, role: 'numeric', where: at });
      else problems.push({ path: at, message: `${type} needs a field` });
    } else if (ANY_FIELD_AGGS.has(type)) {
      if (field) out.push({ field, role: 'sort', where: at });
    } else if (type === 'top_hits') {
      if (params.sort !== undefined) sortFields(params.sort, `${at}.sort`, out, problems);
      if (params._source !== undefined) sourceFields(params._source, `${at}._source`, out, problems);
    } else if (BUCKET_AGGS.has(type)) {
      if (field) out.push({ field, role: type === 'histogram' || type === 'range' ? 'numeric' : 'term', where: at });
    } else {
      problems.push({ path: at, message: `aggregation "${type}" is not a core aggregation this project allows` });
    }
    if (subAggs !== undefined) walkAggs(subAggs, `${at}.aggs`, out, problems);
  }
}

/** Every field the search body (and its time field) uses, and the problems found on the way. */
export function queryFieldUsages(body: Record<string, unknown>, timefield?: string): { usages: FieldUsage[]; problems: Problem[] } {
  const usages: FieldUsage[] = [];
  const problems: Problem[] = [];
  if (timefield !== undefined) usages.push({ field: timefield, role: 'date', where: '%timefield%' });
  if (body.sort !== undefined) sortFields(body.sort, 'sort', usages, problems);
  if (body._source !== undefined) sourceFields(body._source, '_source', usages, problems);
  const aggs = body.aggs ?? body.aggregations;
  if (aggs !== undefined) walkAggs(aggs, 'aggs', usages, problems);
  return { usages, problems };
}

const NUMERIC = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'unsigned_long']);
const DOC_VALUES = new Set([...NUMERIC, 'keyword', 'boolean', 'date', 'date_nanos', 'ip']);

/** Whether a mapping type suits a role. */
export function typeSuits(role: FieldRole, type: string): boolean {
  switch (role) {
    case 'date':
      return type === 'date' || type === 'date_nanos';
    case 'numeric':
      return NUMERIC.has(type);
    case 'term':
      return type === 'keyword' || type === 'boolean' || NUMERIC.has(type);
    case 'sort':
      return DOC_VALUES.has(type);
    case 'source':
      return true;
  }
}

/** Problems of `usages` against the mapping properties of one index (`{ field: { type } }`). */
export function checkFieldUsages(usages: readonly FieldUsage[], properties: Readonly<Record<string, { type?: string }>>): Problem[] {
  const problems: Problem[] = [];
  for (const u of usages) {
    const mapping = properties[u.field];
    if (mapping === undefined) problems.push({ path: u.where, message: `field "${u.field}" is not in the index template` });
    else if (mapping.type === undefined || !typeSuits(u.role, mapping.type)) {
      problems.push({ path: u.where, message: `field "${u.field}" has type ${mapping.type ?? 'object'}, unsuitable for ${u.role}` });
    }
  }
  return problems;
}
