import type { z } from 'zod';
import { ConfigError, InvariantError, SchemaError } from './errors.js';
import type { Stream, Tuple, Values } from './types.js';

const STREAM_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;

/**
 * Declares a stream: its id (letters, digits, `-`, `_`; ids starting with `__` are the runtime's)
 * and the zod object schema of its values. Define each stream once, in a module its emitters and
 * readers share:
 *
 *   export const WORDS = defineStream('words', z.object({ word: z.string() }));
 *   collector.emit(WORDS, { word });              // checked by the compiler
 *   const { word } = WORDS.of(tuple);             // typed; parsed at the queue boundary
 */
export function defineStream<S extends z.ZodObject>(id: string, schema: S): Stream<z.output<S>> {
  if (!STREAM_ID.test(id)) throw new ConfigError(`invalid stream id "${id}"`, [{ path: id, message: `stream id must match ${STREAM_ID}` }]);
  const fields = Object.freeze(Object.keys(schema.shape));
  return Object.freeze({
    id,
    schema: schema as unknown as z.ZodType<z.output<S>>,
    fields,
    is: (tuple: Tuple): tuple is Tuple<z.output<S>> => tuple.stream === id,
    of: (tuple: Tuple): z.output<S> => {
      if (tuple.stream !== id)
        throw new InvariantError('tuple is not of the expected stream', { expected: id, stream: tuple.stream, source: tuple.sourceComponent });
      return tuple.values as z.output<S>;
    },
  });
}

/**
 * Parses values that crossed a process boundary with their stream's schema: the parsed values,
 * or a `SchemaError` (non-retriable: the record is dead-lettered with the reason) when they do not
 * fit, e.g. a worker of an older release still emitting an older shape.
 */
export function parseStreamValues(streams: ReadonlyMap<string, Stream>, stream: string, values: unknown): Values | SchemaError {
  const declared = streams.get(stream);
  if (declared === undefined) return new SchemaError(`stream "${stream}"`, [{ path: '', message: 'no such stream in this topology' }]);
  const parsed = declared.schema.safeParse(values);
  if (parsed.success) return parsed.data as Values;
  return new SchemaError(
    `stream "${stream}"`,
    parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}
