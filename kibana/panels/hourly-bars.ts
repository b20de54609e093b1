import { contextQuery } from './vega-panel.js';

/**
 * Pieces shared by the panels that chart one value per UTC hour: the Kibana data source of hourly
 * `date_histogram` buckets, the x encoding of a bucket's hour, and one bar chart of a measure.
 */

/** The bucket's hour on the x axis. A UTC time unit makes the axis and tooltips show UTC. */
export function hourField(title = 'UTC hour') {
  return { field: 'key', type: 'temporal', timeUnit: 'utcyearmonthdatehours', title } as const;
}

/** A Kibana Elasticsearch source: hourly buckets of `index` on `@timestamp` (empty hours left out), with `aggs` in each. */
export function hourlyBuckets(index: string, aggs: Record<string, unknown>): Record<string, unknown> {
  return {
    url: contextQuery(index, {
      size: 0,
      aggs: { hours: { date_histogram: { field: '@timestamp', fixed_interval: '1h', min_doc_count: 1 }, aggs } },
    }),
    format: { property: 'aggregations.hours.buckets' },
  };
}

/** A measure of the bars and of their tooltip. */
export interface HourlyMeasure {
  field: string;
  title: string;
  /** d3 number format of the tooltip. */
  format: string;
}

/** Options of `hourlyBars`. */
export interface HourlyBarsOptions {
  /** The bar's measure (y axis). */
  y: HourlyMeasure & { axisTitle: string };
  /** More measures shown in the tooltip. */
  tooltip?: readonly HourlyMeasure[];
  height: number;
  color: string;
  /** Title of the hour field. */
  hourTitle?: string;
  /** False for every chart of a vertical stack but the last, which carries the time axis. */
  timeAxis: boolean;
}

/** One bar per hour, for a `vconcat` of charts that share the x scale. */
export function hourlyBars(options: HourlyBarsOptions): Record<string, unknown> {
  const hour = hourField(options.hourTitle);
  const { axisTitle, ...y } = options.y;
  return {
    height: options.height,
    mark: { type: 'bar', tooltip: true, color: options.color },
    encoding: {
      x: options.timeAxis ? hour : { ...hour, axis: { title: null, labels: false } },
      y: { field: y.field, type: 'quantitative', title: axisTitle },
      tooltip: [
        { ...hour, format: '%Y-%m-%d %H:00' },
        ...[y, ...(options.tooltip ?? [])].map((m) => ({ field: m.field, type: 'quantitative', title: m.title, format: m.format })),
      ],
    },
  };
}
