/** The UTC buckets of an event time. */
export interface UtcBuckets {
  /** `YYYY-MM-DDTHH:00:00Z` */
  hour: string;
  /** `YYYY-MM-DD` */
  day: string;
  /** `YYYY-MM` */
  month: string;
  /** Start of the hour, ms since the epoch. */
  hourStartMs: number;
  dayStartMs: number;
  monthStartMs: number;
}

/** UTC hour, day and month of `unixSeconds` (never local time). */
export function utcBuckets(unixSeconds: number): UtcBuckets {
  const d = new Date(unixSeconds * 1000);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  const hour = d.getUTCHours();
  const yyyy = String(year).padStart(4, '0');
  const mm = String(month + 1).padStart(2, '0');
  const dd = String(day).padStart(2, '0');
  const hh = String(hour).padStart(2, '0');
  return {
    hour: `${yyyy}-${mm}-${dd}T${hh}:00:00Z`,
    day: `${yyyy}-${mm}-${dd}`,
    month: `${yyyy}-${mm}`,
    hourStartMs: Date.UTC(year, month, day, hour),
    dayStartMs: Date.UTC(year, month, day),
    monthStartMs: Date.UTC(year, month, 1),
  };
}

/** Start of a bucket written as `YYYY-MM-DDTHH:00:00Z`, `YYYY-MM-DD` or `YYYY-MM`, as ISO text. */
export function bucketStartIso(bucket: string): string {
  if (/^\d{4}-\d{2}$/.test(bucket)) return `${bucket}-01T00:00:00.000Z`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(bucket)) return `${bucket}T00:00:00.000Z`;
  return new Date(Date.parse(bucket)).toISOString();
}
