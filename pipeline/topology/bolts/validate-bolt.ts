import type { z } from 'zod';
import { decodeJson } from '../../contracts/envelope.js';
import { type BasicBolt, type BasicOutputCollector, KAFKA_RECORD_STREAM, type Tuple } from '../../runtime/index.js';

/** Options of a `ValidateBolt`. */
export interface ValidateBoltOptions<T> {
  /** Name of the schema in dead-letter reasons, e.g. `block event`. */
  schemaName: string;
  schema: z.ZodType<T>;
  /** Emits what a valid event becomes (on the bolt's output streams); emitting nothing drops it (acked). */
  route: (event: T, collector: BasicOutputCollector) => void;
}

/**
 * Parses the `value` (UTF-8 JSON) of a raw Kafka record (`KAFKA_RECORD_STREAM`) with its zod
 * schema. A record that is not JSON or breaks the schema throws a `SchemaError` (non-retriable):
 * the runtime dead-letters the record with the reason at once and its partition moves on.
 */
export class ValidateBolt<T> implements BasicBolt {
  constructor(private readonly options: ValidateBoltOptions<T>) {}

  execute(tuple: Tuple, collector: BasicOutputCollector): void {
    const event = decodeJson(this.options.schemaName, this.options.schema, KAFKA_RECORD_STREAM.of(tuple).value);
    this.options.route(event, collector);
  }
}
