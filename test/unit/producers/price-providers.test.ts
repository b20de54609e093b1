import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PriceDataSchema } from '../../../pipeline/contracts/price-event.js';
import { CoinGeckoPriceProvider } from '../../../producers/coingecko-price-provider.js';
import { MalformedResponseError } from '../../../producers/feed-errors.js';
import { FEED_SERVER_PATHS, RecordedFeedApi } from '../../../producers/feed-server/recorded-feed-api.js';
import { RecordedFeedData } from '../../../producers/feed-server/recorded-feed-data.js';
import { KrakenPriceProvider } from '../../../producers/kraken-price-provider.js';
import { fixedJson, RecordedApiGetter } from './recorded-api-getter.js';
import { SAMPLE_DIR } from './recorded-data.js';

/** The sample's price points, split as the feed server serves them (hourly candles: Kraken). */
const points = readFileSync(join(SAMPLE_DIR, 'prices/btc_eur_points.ndjson'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { t: number; price_eur: number; source: string });
const hourly = points.filter((p) => p.source.includes('_1h_'));
const others = points.filter((p) => !p.source.includes('_1h_'));
const FAR_FUTURE = 4_000_000_000;

let api: RecordedFeedApi;
beforeAll(async () => {
  api = new RecordedFeedApi(await RecordedFeedData.load(SAMPLE_DIR));
});

async function malformed(promise: Promise<unknown>): Promise<MalformedResponseError> {
  const err = await promise.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MalformedResponseError);
  return err as MalformedResponseError;
}

describe('KrakenPriceProvider (public OHLC)', () => {
  const kraken = () => new KrakenPriceProvider(new RecordedApiGetter(api, FEED_SERVER_PATHS.kraken));

  it('has hourly points in the sample to serve', () => {
    expect(hourly.length).toBeGreaterThan(24);
  });

  it('turns the feed server candles back into the recorded hourly points (candle end, close)', async () => {
    const got = await kraken().fetchSince(0, FAR_FUTURE);
    expect(got.map((p) => [p.time, p.price_eur])).toEqual(hourly.map((p) => [p.t, p.price_eur]));
    for (const p of got) expect(PriceDataSchema.parse(p)).toEqual({ ...p, pair: 'BTC-EUR', source: 'kraken_xbteur_1h_close' });
  });

  it('returns only points after the cursor and not after now (an open candle is left out)', async () => {
    const after = hourly[10]?.t as number;
    const now = hourly[20]?.t as number;
    const got = await kraken().fetchSince(after, now + 1_800);
    expect(got.map((p) => p.time)).toEqual(hourly.slice(11, 21).map((p) => p.t));
  });

  it('asks for candles from one hour before the cursor, so the candle ending just after it is included', async () => {
    const getter = fixedJson({ error: [], result: { XXBTZEUR: [], last: 0 } });
    await new KrakenPriceProvider(getter).fetchSince(1_633_129_200, FAR_FUTURE);
    expect(getter.paths).toEqual(['/0/public/OHLC?pair=XBTEUR&interval=60&since=1633125600']);
  });

  it('reads the documented shape: string decimals, a `last` field, the pair under its Kraken name', async () => {
    // Row of 2021-10-01 22:00 UTC from the recorded BTC/EUR hourly candles (../shared/data/prices/original).
    const body = {
      error: [],
      result: { XXBTZEUR: [[1633125600, '41744.86', '41799.23', '41145.11', '41379.54', '41500.00', '31.52076251', 512]], last: 1633125600 },
    };
    expect(await new KrakenPriceProvider(fixedJson(body)).fetchSince(0, FAR_FUTURE)).toEqual([
      { pair: 'BTC-EUR', time: 1633129200, price_eur: 41379.54, source: 'kraken_xbteur_1h_close' },
    ]);
  });

  const bad: { name: string; body: unknown; problem: RegExp }[] = [
    { name: 'a Kraken error', body: { error: ['EQuery:Unknown asset pair'] }, problem: /kraken error: EQuery:Unknown asset pair/ },
    { name: 'no error array', body: { result: {} }, problem: /not an OHLC response/ },
    {
      name: 'a candle with a non-numeric close',
      body: { error: [], result: { XXBTZEUR: [[1633125600, '1', '1', '1', 'n/a', '1', '1', 1]], last: 0 } },
      problem: /candles/,
    },
    { name: 'a candle with too few fields', body: { error: [], result: { XXBTZEUR: [[1633125600, '1', '1']], last: 0 } }, problem: /candles/ },
    { name: 'an array instead of an object', body: [], problem: /not an OHLC response/ },
  ];
  for (const b of bad) {
    it(`rejects ${b.name} as a malformed response carrying the body`, async () => {
      const err = await malformed(new KrakenPriceProvider(fixedJson(b.body)).fetchSince(0, FAR_FUTURE));
      expect(err.message).toMatch(b.problem);
      expect(err).toMatchObject({ feed: 'kraken', body: JSON.stringify(b.body) });
      expect(err.path).toMatch(/^\/0\/public\/OHLC\?/);
    });
  }
});

describe('CoinGeckoPriceProvider (simple price, market chart range)', () => {
  const coingecko = () => {
    const getter = new RecordedApiGetter(api, FEED_SERVER_PATHS.coingecko);
    return { getter, provider: new CoinGeckoPriceProvider(getter) };
  };

  it('catches up a long gap from the market chart range: the recorded points, in seconds', async () => {
    const { getter, provider } = coingecko();
    const got = await provider.fetchSince(0, FAR_FUTURE);
    expect(getter.paths).toEqual([`/coins/bitcoin/market_chart/range?vs_currency=eur&from=1&to=${FAR_FUTURE}`]);
    expect(got.map((p) => [p.time, p.price_eur])).toEqual(others.map((p) => [p.t, p.price_eur]));
    for (const p of got) expect(PriceDataSchema.parse(p).source).toBe('coingecko_market_chart');
  });

  it('follows a short gap with the simple price and its own last_updated_at', async () => {
    const last = others.at(-1) as { t: number; price_eur: number };
    const { getter, provider } = coingecko();
    const got = await provider.fetchSince(last.t - 60, last.t + 60);
    expect(getter.paths).toEqual(['/simple/price?ids=bitcoin&vs_currencies=eur&include_last_updated_at=true']);
    expect(got).toEqual([{ pair: 'BTC-EUR', time: last.t, price_eur: last.price_eur, source: 'coingecko_simple_price' }]);
    // Already published: nothing new.
    expect(await provider.fetchSince(last.t, last.t + 60)).toEqual([]);
  });

  it('floors market chart milliseconds to seconds and sorts by time', async () => {
    const body = {
      prices: [
        [1_330_560_000_999, 3.71],
        [1_330_473_600_000, 3.7],
      ],
      market_caps: [],
      total_volumes: [],
    };
    const got = await new CoinGeckoPriceProvider(fixedJson(body)).fetchSince(0, FAR_FUTURE);
    expect(got.map((p) => [p.time, p.price_eur])).toEqual([
      [1_330_473_600, 3.7],
      [1_330_560_000, 3.71],
    ]);
  });

  const bad: { name: string; body: unknown; gap: 'short' | 'long'; problem: RegExp }[] = [
    { name: 'a simple price without last_updated_at', body: { bitcoin: { eur: 41379.54 } }, gap: 'short', problem: /simple price/ },
    { name: 'an empty simple price (unknown coin)', body: {}, gap: 'short', problem: /simple price/ },
    { name: 'a zero price', body: { bitcoin: { eur: 0, last_updated_at: 1633129200 } }, gap: 'short', problem: /simple price/ },
    { name: 'a range with text prices', body: { prices: [[1_330_473_600_000, '3.71']] }, gap: 'long', problem: /market chart/ },
    { name: 'a range error object', body: { error: 'invalid parameters' }, gap: 'long', problem: /market chart/ },
  ];
  for (const b of bad) {
    it(`rejects ${b.name} as a malformed response`, async () => {
      const now = 1_633_129_200;
      const err = await malformed(new CoinGeckoPriceProvider(fixedJson(b.body)).fetchSince(b.gap === 'short' ? now - 60 : 0, now));
      expect(err.message).toMatch(b.problem);
      expect(err).toMatchObject({ feed: 'coingecko', body: JSON.stringify(b.body) });
    });
  }
});
