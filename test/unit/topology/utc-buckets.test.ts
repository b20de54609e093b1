import { describe, expect, it } from 'vitest';
import { bucketStartIso, utcBuckets } from '../../../pipeline/topology/domain/utc-buckets.js';

describe('utcBuckets', () => {
  it.each([
    [1_330_781_454, '2012-03-03T13:00:00Z', '2012-03-03', '2012-03'],
    [1_503_532_800, '2017-08-24T00:00:00Z', '2017-08-24', '2017-08'],
    [1_503_532_799, '2017-08-23T23:00:00Z', '2017-08-23', '2017-08'],
    [1_504_223_999, '2017-08-31T23:00:00Z', '2017-08-31', '2017-08'],
    [1_504_224_000, '2017-09-01T00:00:00Z', '2017-09-01', '2017-09'],
    [0, '1970-01-01T00:00:00Z', '1970-01-01', '1970-01'],
  ])('%d -> %s / %s / %s', (t, hour, day, month) => {
    const b = utcBuckets(t);
    expect([b.hour, b.day, b.month]).toEqual([hour, day, month]);
    expect(b.hourStartMs).toBe(Math.floor(t / 3600) * 3600 * 1000);
  });

  it('does not depend on the local time zone', () => {
    const before = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    try {
      expect(utcBuckets(1_503_532_799).day).toBe('2017-08-23');
    } finally {
      process.env.TZ = before;
    }
  });

  it.each([
    ['2017-08', '2017-08-01T00:00:00.000Z'],
    ['2017-08-24', '2017-08-24T00:00:00.000Z'],
    ['2017-08-24T13:00:00Z', '2017-08-24T13:00:00.000Z'],
  ])('bucket %s starts at %s', (bucket, iso) => {
    expect(bucketStartIso(bucket)).toBe(iso);
  });
});
