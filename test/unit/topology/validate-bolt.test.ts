import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStream, KAFKA_RECORD_STREAM, SchemaError } from '../../../pipeline/runtime/index.js';
import { ValidateBolt } from '../../../pipeline/topology/bolts/validate-bolt.js';
import { fakeTuple, recordingBasicCollector } from '../../support/fake-tuple.js';

const Schema = z.object({ kind: z.literal('x'), n: z.number().int(), status: z.enum(['ok', 'skip']) }).strict();
const NUMBERS = defineStream('numbers', z.object({ n: z.number() }));
const bolt = new ValidateBolt({
  schemaName: 'test event',
  schema: Schema,
  route: (e, out) => {
    if (e.status === 'ok') out.emit(NUMBERS, { n: e.n });
  },
});

describe('ValidateBolt', () => {
  it.each([
    ['valid', '{"kind":"x","n":3,"status":"ok"}', [{ stream: 'numbers', values: { n: 3 } }]],
    ['valid but routed nowhere', '{"kind":"x","n":3,"status":"skip"}', []],
  ])('%s: emits', (_name, value, emitted) => {
    const c = recordingBasicCollector();
    bolt.execute(fakeTuple(KAFKA_RECORD_STREAM, { key: 'k', value }), c);
    expect(c.emitted).toEqual(emitted);
  });

  it.each([
    ['not JSON', 'garbage{', 'not valid JSON'],
    ['empty value', null, 'empty message value'],
    ['schema violation', '{"kind":"x","n":1.5,"status":"ok"}', 'n:'],
    ['unknown field', '{"kind":"x","n":1,"status":"ok","extra":1}', 'extra'],
  ])('%s: throws a non-retriable SchemaError with the reason', (_name, value, reason) => {
    const c = recordingBasicCollector();
    let thrown: unknown;
    try {
      bolt.execute(fakeTuple(KAFKA_RECORD_STREAM, { key: 'k', value }), c);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SchemaError);
    expect((thrown as SchemaError).retriable).toBe(false);
    expect((thrown as SchemaError).message).toContain(reason);
    expect(c.emitted).toEqual([]);
  });
});
