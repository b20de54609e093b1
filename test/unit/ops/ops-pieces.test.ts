import { errors as esErrors } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { names } from '../../../pipeline/contracts/names.js';
import { NonRetriableError, RetriableError, type DeadLetter } from '../../../pipeline/runtime/index.js';
import { OffsetTargetError, parseOffsetTarget } from '../../../ops/consumer-groups.js';
import { feedOf, LatestLetters, LetterGroups, matchesFilter, type StoredLetter } from '../../../ops/dead-letters.js';
import { ProgressDisplay } from '../../../ops/progress-display.js';
import { checkLetter } from '../../../ops/redrive.js';
import { isTransientError } from '../../../pipeline/clients/transient-error.js';
import { UsageError } from '../../../ops/usage-error.js';

const n = names('u');

function stored(over: Partial<DeadLetter> & { offset?: number } = {}): StoredLetter {
  const { offset = 0, ...letter } = over;
  return {
    dlqTopic: n.deadLetter.transactions,
    partition: 0,
    offset,
    letter: {
      kind: 'dead-letter',
      schema_version: 1,
      origin: { topic: n.topics.transactions, partition: 1, offset: '7', key: 'k' },
      value: 'not json',
      value_encoding: 'utf8',
      reason: 'non-retriable error',
      error: { name: 'SchemaError', message: 'invalid transaction event: (root): not valid JSON', retriable: false },
      component: 'validate-transactions',
      attempts: 1,
      time: '2026-01-01T00:00:00.000Z',
      ...letter,
    },
  };
}

const validTx = {
  kind: 'transaction',
  schema_version: 1,
  source: 'test',
  event_time: '2015-11-15T03:00:00.000Z',
  event_time_ms: Date.parse('2015-11-15T03:00:00.000Z'),
  ingest_time: '2026-01-01T00:00:00.000Z',
  producer_id: 'test',
  data: { status: 'unconfirmed', txid: 'a'.repeat(64), output_total_sat: 5, fee_sat: 1, vsize: 100 },
};

describe('parseOffsetTarget', () => {
  it.each([
    ['earliest', { kind: 'earliest' }],
    ['latest', { kind: 'latest' }],
    ['1200', { kind: 'offset', offset: 1200 }],
    ['2015-11-15T03:00:00Z', { kind: 'time', ms: Date.parse('2015-11-15T03:00:00Z'), iso: '2015-11-15T03:00:00.000Z' }],
    ['2015-11-15T04:00+01:00', { kind: 'time', ms: Date.parse('2015-11-15T03:00:00Z'), iso: '2015-11-15T03:00:00.000Z' }],
  ])('reads %s', (text, expected) => expect(parseOffsetTarget(text)).toEqual(expected));

  it.each(['yesterday', '-3', '2015-11-15', '2015-11-15T03:00:00', '99999999999999999999'])('rejects %s as a usage error', (text) => {
    expect(() => parseOffsetTarget(text)).toThrow(OffsetTargetError);
    expect(() => parseOffsetTarget(text)).toThrow(UsageError);
  });
});

describe('isTransientError', () => {
  const response = (statusCode: number, type?: string) =>
    new esErrors.ResponseError({ body: type === undefined ? {} : { error: { type } }, statusCode, headers: {}, warnings: null, meta: {} as never });
  it.each([
    ['a retriable kafkajs error', Object.assign(new Error('not coordinator'), { name: 'KafkaJSProtocolError', retriable: true }), true],
    [
      'kafkajs giving up on a retriable error',
      Object.assign(new Error('retries'), { retriable: false, cause: Object.assign(new Error('x'), { retriable: true }) }),
      true,
    ],
    ['no living ES connection', new esErrors.NoLivingConnectionsError('none', {} as never), true],
    ['ES 429', response(429), true],
    ['ES 503', response(503), true],
    ['ES cluster block', response(403, 'cluster_block_exception'), true],
    ['ES 400 (a rejected request)', response(400, 'mapper_parsing_exception'), false],
    ['a refused connection', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), true],
    ['a RetriableError', new RetriableError('later'), true],
    ['a NonRetriableError', new NonRetriableError('never'), false],
    ['a plain error', new Error('bug'), false],
  ])('%s', (_what, err, expected) => expect(isTransientError(err)).toBe(expected));
});

describe('dead letters', () => {
  it('names a feed by feed, raw topic or dead-letter topic', () => {
    expect([feedOf(n, 'prices'), feedOf(n, n.topics.prices), feedOf(n, n.deadLetter.prices)]).toEqual(['prices', 'prices', 'prices']);
    expect(() => feedOf(n, 'u.other')).toThrow(UsageError);
  });

  it('filters on reason, error, component (case-insensitive substrings) and time', () => {
    const s = stored();
    expect(matchesFilter(s, { reason: 'NON-RETRIABLE', error: 'schemaerror: invalid', component: 'validate' })).toBe(true);
    expect(matchesFilter(s, { error: 'NoLivingConnections' })).toBe(false);
    expect(matchesFilter(s, { sinceMs: Date.parse('2026-01-01T00:00:01Z') })).toBe(false);
  });

  it('groups by topic, reason, component and error name, counting and keeping the latest as example', () => {
    const groups = new LetterGroups();
    groups.add(stored({ offset: 1, time: '2026-01-01T00:00:01.000Z' }));
    groups.add(stored({ offset: 2, time: '2026-01-01T00:00:03.000Z' }));
    groups.add(stored({ offset: 3, time: '2026-01-01T00:00:02.000Z' }));
    groups.add(stored({ offset: 4, component: 'aggregates', error: { name: 'NonRetriableError', message: 'x', retriable: false } }));
    const list = groups.list();
    expect(list.map((g) => [g.component, g.count])).toEqual([
      ['validate-transactions', 3],
      ['aggregates', 1],
    ]);
    expect(list[0]?.example.offset).toBe(2);
    expect([list[0]?.firstTime, list[0]?.lastTime]).toEqual(['2026-01-01T00:00:01.000Z', '2026-01-01T00:00:03.000Z']);
  });

  it('keeps the latest N letters, latest first', () => {
    const latest = new LatestLetters(2);
    for (let i = 0; i < 9; i += 1) latest.add(stored({ offset: i, time: `2026-01-01T00:00:0${i}.000Z` }));
    expect(latest.list().map((s) => s.offset)).toEqual([8, 7]);
  });
});

describe('checkLetter (redrive)', () => {
  it('sends a valid value with its original key and value', () => {
    const value = JSON.stringify(validTx);
    expect(checkLetter(n, stored({ value }))).toEqual({ kind: 'valid', feed: 'transactions', record: { key: 'k', value } });
  });

  it('marks invalid text as invalid (sent only with --force), and never sends binary, empty or foreign letters', () => {
    expect(checkLetter(n, stored()).kind).toBe('invalid');
    expect(checkLetter(n, stored({ value: 'AAEC', value_encoding: 'base64' })).kind).toBe('unsendable');
    expect(checkLetter(n, stored({ value: null })).kind).toBe('unsendable');
    expect(checkLetter(n, stored({ origin: { topic: 'elsewhere', partition: null, offset: null, key: null }, value: JSON.stringify(validTx) })).kind).toBe(
      'unsendable',
    );
  });
});

describe('ProgressDisplay', () => {
  function sink(isTTY: boolean) {
    const chunks: string[] = [];
    return { chunks, stream: { isTTY, columns: 200, write: (c: string) => chunks.push(c) } as unknown as NodeJS.WritableStream & { isTTY: boolean } };
  }

  it('redraws a bar in place on a terminal, with the rate of the readings', () => {
    let t = 0;
    const { chunks, stream } = sink(true);
    const display = new ProgressDisplay(stream, { unit: 'records', nowMs: () => t });
    display.update({ done: 0, total: 1000 });
    t = 2000;
    display.update({ done: 500, total: 1000, note: 'dirty aggregates 3' });
    display.end();
    expect(chunks[1]).toBe('\r\x1b[2K[###############---------------] 50.0% 500 / 1,000 records  250 records/s eta 0:02  dirty aggregates 3');
    expect(chunks.at(-1)).toBe('\n');
  });

  it('prints a plain line at most every interval otherwise', () => {
    let t = 0;
    const { chunks, stream } = sink(false);
    const display = new ProgressDisplay(stream, { unit: 'records', lineIntervalSec: 10, nowMs: () => t });
    for (t = 0; t <= 25_000; t += 1000) display.update({ done: t / 100, total: 250 });
    expect(chunks).toHaveLength(3);
    expect(chunks[2]).toBe('80.0% 200 / 250 records  10 records/s eta 0:05\n');
  });
});
