import { ROW } from './layered-panel.js';

/**
 * Pieces shared by the panels that chart one value per UTC hour: the search body of hourly
 * `date_histogram` buckets, the hour on a UTC time axis and in tooltips, and the segments that
 * keep a line from bridging a gap in the data (the recorded data spans years with a few hours each).
 */

/** Where `hourlyBucketsBody`'s buckets are in the response. */
export const HOUR_ROWS = 'aggregations.hours.buckets';

/** Two points further apart than this are not joined by a line (daily price points still are). */
export const LINE_GAP_MS = 36 * 3_600_000;

/** A search body: hourly buckets on `@timestamp` (empty hours left out), with `aggs` in each. */
export function hourlyBucketsBody(aggs: Record<string, unknown>): Record<string, unknown> {
  return { size: 0, aggs: { hours: { date_histogram: { field: '@timestamp', fixed_interval: '1h', min_doc_count: 1 }, aggs } } };
}

/**
 * The bucket's start (epoch ms) as `hour`, and as `hour_text` written in UTC for tooltips (a
 * temporal tooltip with its own `format` would be written in the browser's time zone).
 */
export const HOUR_TRANSFORMS: readonly Record<string, unknown>[] = [
  { calculate: `datum.${ROW}.key`, as: 'hour' },
  { calculate: "utcFormat(datum.hour, '%Y-%m-%d %H:00')", as: 'hour_text' },
];

/** The hour on the x axis: a UTC scale, so that ticks are UTC and labelled at the range's scale (years to minutes), about one per 120 px. */
export function hourAxis(title = 'UTC'): Record<string, unknown> {
  return { field: 'hour', type: 'temporal', scale: { type: 'utc' }, title, axis: { tickCount: { expr: 'ceil(width / 120)' }, labelOverlap: true } };
}

/** The hour in a tooltip, in UTC. */
export function hourTooltip(title = 'hour (UTC)'): Record<string, unknown> {
  return { field: 'hour_text', type: 'nominal', title };
}

/** Transforms numbering runs of hours no more than `LINE_GAP_MS` apart (field `segment`, for a `detail` encoding). */
export const GAP_SEGMENTS: readonly Record<string, unknown>[] = [
  { window: [{ op: 'lag', field: 'hour', as: 'previous_hour' }], sort: [{ field: 'hour', order: 'ascending' }] },
  { calculate: `isValid(datum.previous_hour) && datum.hour - datum.previous_hour <= ${LINE_GAP_MS} ? 0 : 1`, as: 'gap' },
  { window: [{ op: 'sum', field: 'gap', as: 'segment' }], sort: [{ field: 'hour', order: 'ascending' }] },
];

/** A quantitative field in a tooltip. */
export function measureTooltip(field: string, title: string, format: string): Record<string, unknown> {
  return { field, type: 'quantitative', title, format };
}

/** One measure of `barsAndLine`: its field, axis title, colour and scale. */
export interface SeriesMeasure {
  field: string;
  title: string;
  color: string;
  /** A log scale (no hour flattens the others), else linear from zero. */
  log: boolean;
  /** d3 format of the axis labels. */
  format: string;
}

/**
 * Two layers on the hour axis, each with its own y scale (the spec resolves y as independent):
 * `bar` as bars on the left axis, `line` as a line with points on the right axis, broken at gaps.
 */
export function barsAndLine(bar: SeriesMeasure, line: SeriesMeasure): Record<string, unknown>[] {
  const y = (m: SeriesMeasure, orient: 'left' | 'right') => ({
    field: m.field,
    type: 'quantitative',
    title: m.title,
    ...(m.log ? { scale: { type: 'log' } } : {}),
    // On a log axis, fewer ticks than decades keep the labels to powers of ten.
    axis: { orient, titleColor: m.color, format: m.format, ...(m.log ? { tickCount: 4 } : {}) },
  });
  return [
    { mark: { type: 'bar', color: bar.color, width: 5 }, encoding: { y: { ...y(bar, 'left'), stack: null } } },
    {
      mark: { type: 'line', color: line.color, strokeWidth: 2, point: { color: line.color, size: 30 } },
      encoding: { y: y(line, 'right'), detail: { field: 'segment', type: 'nominal' } },
    },
  ];
}
