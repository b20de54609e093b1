import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../pipeline/runtime/index.js';
import { FeedRequestError, FeedTransportError, MalformedResponseError } from '../../../producers/feed-errors.js';
import { FeedHttpClient } from '../../../producers/feed-http-client.js';
import type { FeedResponse, FeedTransport } from '../../../producers/feed-transport.js';
import { ProducerMetrics } from '../../../producers/producer-metrics.js';
import { retryAfterMs } from '../../../producers/retry-after.js';
import { FakeClock } from '../../../pipeline/runtime/testing/index.js';

const NOW = Date.UTC(2026, 4, 30, 12, 0, 0);
const BASE_MS = 100;
const MAX_MS = 5_000;
const RETRIES = 3;

/** One scripted answer: an HTTP response, or no answer at all. */
type Step = { status: number; body?: string; retryAfter?: string } | 'network' | 'timeout';

/** A transport that plays `steps` in order and records the paths it was asked for. */
class ScriptedTransport implements FeedTransport {
  readonly calls: string[] = [];
  constructor(private readonly steps: Step[]) {}

  async get(path: string): Promise<FeedResponse> {
    this.calls.push(path);
    const step = this.steps.shift();
    if (step === undefined) throw new Error('transport called more often than scripted');
    if (step === 'network' || step === 'timeout') throw new FeedTransportError({ path, kind: step });
    return { status: step.status, retryAfter: step.retryAfter, body: Buffer.from(step.body ?? '') };
  }
}

function client(steps: Step[], random = () => 0.5) {
  const clock = new FakeClock(NOW);
  const transport = new ScriptedTransport(steps);
  const metrics = new ProducerMetrics();
  const http = new FeedHttpClient({
    feed: 'esplora',
    baseUrl: 'http://feed.invalid',
    timeoutMs: 1_000,
    retries: RETRIES,
    backoffBaseMs: BASE_MS,
    backoffMaxMs: MAX_MS,
    clock,
    log: createLogger({ name: 'test', level: 'silent' }),
    metrics,
    random,
    transport,
  });
  return { clock, transport, metrics, http };
}

async function counter(metric: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> }) {
  return (await metric.get()).values.map((v) => ({ ...v.labels, value: v.value }));
}

describe('FeedHttpClient retries', () => {
  const ok: Step = { status: 200, body: '951658' };
  const cases: { name: string; steps: Step[]; kinds: string[] }[] = [
    { name: 'a network error', steps: ['network', ok], kinds: ['network'] },
    { name: 'a timeout', steps: ['timeout', ok], kinds: ['timeout'] },
    { name: '5xx answers', steps: [{ status: 503 }, { status: 500 }, { status: 502 }, ok], kinds: ['server-error', 'server-error', 'server-error'] },
    { name: 'a 429 without Retry-After', steps: [{ status: 429 }, ok], kinds: ['rate-limited'] },
  ];
  for (const c of cases) {
    it(`retries ${c.name} with exponential backoff and succeeds`, async () => {
      const { clock, transport, metrics, http } = client(c.steps);
      await expect(clock.settle(http.getText('/blocks/tip/height'))).resolves.toBe('951658');
      expect(transport.calls).toHaveLength(c.kinds.length + 1);
      // Full jitter with random = 0.5: half of base * 2^(attempt-1).
      expect(clock.delays).toEqual(c.kinds.map((_, i) => Math.floor(0.5 * BASE_MS * 2 ** i)));
      expect(await counter(metrics.httpRetries)).toEqual([{ feed: 'esplora', value: c.kinds.length }]);
      const failures = await counter(metrics.httpFailures);
      for (const kind of new Set(c.kinds)) {
        expect(failures).toContainEqual({ feed: 'esplora', kind, value: c.kinds.filter((k) => k === kind).length });
      }
    });
  }

  it('keeps every delay within [0, min(max, base * 2^(attempt-1))]', async () => {
    for (const random of [() => 0, () => 0.999_999]) {
      const { clock, http } = client([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }], random);
      await clock.settle(http.getBytes('/x'));
      clock.delays.forEach((d, i) => {
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(Math.min(MAX_MS, BASE_MS * 2 ** i));
      });
    }
  });

  it('waits as long as a 429 Retry-After asks (seconds or an HTTP date), capped at the backoff maximum', async () => {
    const inSeconds = client([{ status: 429, retryAfter: '3' }, { status: 200 }]);
    await inSeconds.clock.settle(inSeconds.http.getBytes('/x'));
    expect(inSeconds.clock.delays).toEqual([3_000]);

    const asDate = client([{ status: 429, retryAfter: new Date(NOW + 2_000).toUTCString() }, { status: 200 }]);
    await asDate.clock.settle(asDate.http.getBytes('/x'));
    expect(asDate.clock.delays).toEqual([2_000]);

    const tooLong = client([{ status: 429, retryAfter: '3600' }, { status: 200 }]);
    await tooLong.clock.settle(tooLong.http.getBytes('/x'));
    expect(tooLong.clock.delays).toEqual([MAX_MS]);

    // A Retry-After shorter than the backoff does not shorten it.
    const short = client([{ status: 503 }, { status: 429, retryAfter: '0' }, { status: 200 }]);
    await short.clock.settle(short.http.getBytes('/x'));
    expect(short.clock.delays).toEqual([BASE_MS / 2, BASE_MS]);
  });

  for (const status of [400, 401, 403, 404, 410]) {
    it(`does not retry a ${status}`, async () => {
      const { clock, transport, metrics, http } = client([{ status, body: 'Block not found' }]);
      const err = await clock.settle(http.getBytes('/block-height/1')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FeedRequestError);
      expect(err).toMatchObject({ feed: 'esplora', path: '/block-height/1', kind: 'client-error', status, attempts: 1, retriable: true });
      expect(transport.calls).toHaveLength(1);
      expect(clock.delays).toEqual([]);
      expect(await counter(metrics.httpRetries)).toEqual([]);
    });
  }

  it(`gives up after HTTP_RETRIES (${RETRIES}) retries with the last failure`, async () => {
    const { clock, transport, http } = client(['network', { status: 503 }, 'timeout', { status: 500 }, { status: 200 }]);
    const err = await clock.settle(http.getBytes('/blocks/951658')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeedRequestError);
    expect(err).toMatchObject({ kind: 'server-error', status: 500, attempts: RETRIES + 1 });
    expect(transport.calls).toHaveLength(RETRIES + 1);
    expect(clock.delays).toHaveLength(RETRIES);
  });

  it('keeps the transport error as the cause when the last attempt got no answer', async () => {
    const { clock, http } = client(['timeout', 'timeout', 'timeout', 'timeout']);
    const err = await clock.settle(http.getBytes('/x')).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout', status: null, attempts: RETRIES + 1 });
    expect((err as Error).cause).toBeInstanceOf(FeedTransportError);
  });

  it('does not retry a body that is not JSON: it is a MalformedResponseError with the body', async () => {
    const { clock, transport, http } = client([{ status: 200, body: '<html>upstream error</html>' }]);
    const err = await clock.settle(http.getJson('/mempool/recent')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err).toMatchObject({ feed: 'esplora', path: '/mempool/recent', body: '<html>upstream error</html>', retriable: false });
    expect(transport.calls).toHaveLength(1);
  });
});

describe('retryAfterMs', () => {
  const cases: { header: unknown; expected: number | null }[] = [
    { header: '0', expected: 0 },
    { header: ' 7 ', expected: 7_000 },
    { header: new Date(NOW + 90_000).toUTCString(), expected: 90_000 },
    { header: new Date(NOW - 90_000).toUTCString(), expected: 0 },
    { header: 'soon', expected: null },
    { header: '', expected: null },
    { header: undefined, expected: null },
    { header: ['1'], expected: null },
  ];
  for (const c of cases) {
    it(`reads ${JSON.stringify(c.header)} as ${c.expected}`, () => {
      expect(retryAfterMs(c.header, NOW)).toBe(c.expected);
    });
  }
});
