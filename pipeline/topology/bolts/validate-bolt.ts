import type { z } from 'zod';
import { decodeJson } from '../../contracts/envelope.js';
import type { BasicBolt, BasicOutputCollector, Tuple, Values } from '../../runtime/index.js';

/** Where a valid event goes: values on a stream, or nowhere (dropped and acked). */
export type ValidRoute = { stream?: string; values: Values } | null;

/** Options of a `ValidateBolt`. */
export interface ValidateBoltOptions<T> {
  /** Name of the schema in dead-letter reasons, e.g. `block event`. */
  schemaName: string;
  schema: z.ZodType<T>;
  /** Turns a valid event into the tuple to emit. */
  route: (event: T) => ValidRoute;
}

/**
 * Parses the `value` (UTF-8 JSON) of a raw Kafka record with its zod schema. A record that is
 * not JSON or breaks the schema throws a `SchemaError` (non-retriable): the runtime dead-letters
 * the record with the reason at once and its partition moves on.
 */
export class ValidateBolt<T> implements BasicBolt {
  constructor(private readonly options: ValidateBoltOptions<T>) {}

  execute(tuple: Tuple, collector: BasicOutputCollector): void {
    const raw = tuple.values.value;
    const event = decodeJson(this.options.schemaName, this.options.schema, typeof raw === 'string' ? raw : null);
    const out = this.options.route(event);
    if (out !== null) collector.emit(out.values, out.stream === undefined ? {} : { stream: out.stream });
  }
}
