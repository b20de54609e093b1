import { describe, expect, it } from 'vitest';
import { deadLetterRecord } from '../../../pipeline/runtime/dead-letter-record.js';
import { DeadLetterSchema } from '../../../pipeline/runtime/dead-letter.js';
import { SchemaError } from '../../../pipeline/runtime/errors.js';
import { TupleFailedError, TupleTimeoutError } from '../../../pipeline/runtime/tuple-failure.js';

const base = { topic: 't', partition: 2, offset: '41', key: Buffer.from('k'), component: 'spout', attempts: 3, nowMs: Date.UTC(2026, 0, 2, 3, 4, 5) };

describe('deadLetterRecord', () => {
  it.each([
    {
      name: 'a bolt failure names the bolt and its error',
      error: new TupleFailedError({ component: 'parse', task: 1, errorName: 'RetriableError', message: 'boom', retriable: true }),
      expected: { component: 'parse', error: { name: 'RetriableError', message: 'boom', retriable: true } },
    },
    {
      name: 'a decode error names the spout',
      error: new SchemaError('record', [{ path: 'a', message: 'missing' }]),
      expected: { component: 'spout', error: { name: 'SchemaError', message: 'invalid record: a: missing', retriable: false } },
    },
    {
      name: 'a timeout is retriable',
      error: new TupleTimeoutError(3000),
      expected: { component: 'spout', error: { name: 'TupleTimeoutError', retriable: true } },
    },
  ])('$name', ({ error, expected }) => {
    const letter = deadLetterRecord({ ...base, value: Buffer.from('{"a":1}'), reason: 'r', error });
    expect(DeadLetterSchema.parse(letter)).toMatchObject({
      ...expected,
      origin: { topic: 't', partition: 2, offset: '41', key: 'k' },
      value: '{"a":1}',
      value_encoding: 'utf8',
      reason: 'r',
      attempts: 3,
      time: '2026-01-02T03:04:05.000Z',
    });
  });

  it('keeps binary values as base64', () => {
    const value = Buffer.from([0xff, 0xfe, 0x00]);
    const letter = deadLetterRecord({ ...base, value, reason: 'r', error: new Error('x') });
    expect(letter.value_encoding).toBe('base64');
    expect(Buffer.from(letter.value ?? '', 'base64')).toEqual(value);
  });
});
