import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStream, KAFKA_RECORD_BATCH_STREAM, SchemaError } from '../../../pipeline/runtime/index.js';
import { ValidateBatchBolt } from '../../../pipeline/topology/bolts/validate-batch-bolt.js';
import { fakeTuple, recordingBasicCollector } from '../../support/fake-tuple.js';

const Schema = z.object({ kind: z.literal('x'), n: z.number().int() }).strict();
const NUMBERS = defineStream('numbers', z.object({ ns: z.array(z.object({ messageId: z.string(), n: z.number() })) }));
const bolt = new ValidateBatchBolt({
  schemaName: 'test event',
  schema: Schema,
  route: (events, out) => out.emit(NUMBERS, { ns: events.map((e) => ({ messageId: e.messageId, n: e.event.n })) }),
});
const batch = (...values: (string | null)[]) =>
  fakeTuple(KAFKA_RECORD_BATCH_STREAM, { records: values.map((value, i) => ({ messageId: `t/0/${i}`, key: null, value })) });

describe('ValidateBatchBolt', () => {
  it('routes the valid events of a batch together, in record order, each with its message id', () => {
    const c = recordingBasicCollector();
    bolt.execute(batch('{"kind":"x","n":3}', '{"kind":"x","n":4}'), c);
    expect(c.emitted).toEqual([
      {
        stream: 'numbers',
        values: {
          ns: [
            { messageId: 't/0/0', n: 3 },
            { messageId: 't/0/1', n: 4 },
          ],
        },
      },
    ]);
  });

  it.each([
    ['not JSON', 'garbage{', 'not valid JSON'],
    ['empty value', null, 'empty message value'],
    ['schema violation', '{"kind":"x","n":1.5}', 'n:'],
  ])('%s: throws a SchemaError with the reason that names the first bad record only, and emits nothing', (_name, value, reason) => {
    const c = recordingBasicCollector();
    let thrown: unknown;
    try {
      bolt.execute(batch('{"kind":"x","n":3}', value, 'garbage too'), c);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SchemaError);
    expect(thrown).toMatchObject({ retriable: false, schema: 'test event', messageIds: ['t/0/1'] });
    expect((thrown as Error).message).toContain(reason);
    expect(c.emitted).toEqual([]);
  });
});
