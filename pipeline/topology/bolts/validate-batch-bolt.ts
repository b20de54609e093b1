import type { z } from 'zod';
import { decodeJson } from '../../contracts/envelope.js';
import { type BasicBolt, type BasicOutputCollector, KAFKA_RECORD_BATCH_STREAM, SchemaError, type Tuple } from '../../runtime/index.js';

/** A valid event of a record batch, with the spout message it came from. */
export interface BatchEvent<T> {
  messageId: string;
  event: T;
}

/** Options of a `ValidateBatchBolt`. */
export interface ValidateBatchBoltOptions<T> {
  /** Name of the schema in dead-letter reasons, e.g. `transaction event`. */
  schemaName: string;
  schema: z.ZodType<T>;
  /** Emits what the batch's valid events become (on the bolt's output streams), in record order. */
  route: (events: readonly BatchEvent<T>[], collector: BasicOutputCollector) => void;
}

/**
 * `ValidateBolt` for a record batch (`KAFKA_RECORD_BATCH_STREAM`): parses each record's `value`
 * (UTF-8 JSON) with its zod schema, then routes the valid events of the batch together. A record
 * that is not JSON or breaks the schema fails the batch with a `SchemaError` naming that record:
 * the runtime dead-letters it alone with the reason, and its siblings replay at once, each in a
 * batch of its own (so every other bad record of the batch is dead-lettered with its own reason).
 */
export class ValidateBatchBolt<T> implements BasicBolt {
  constructor(private readonly options: ValidateBatchBoltOptions<T>) {}

  execute(tuple: Tuple, collector: BasicOutputCollector): void {
    const { schemaName, schema } = this.options;
    const events: BatchEvent<T>[] = [];
    for (const { messageId, value } of KAFKA_RECORD_BATCH_STREAM.of(tuple).records) {
      try {
        events.push({ messageId, event: decodeJson(schemaName, schema, value) });
      } catch (err) {
        if (err instanceof SchemaError) throw new SchemaError(err.schema, err.problems, { cause: err.cause, messageIds: [messageId] });
        throw err;
      }
    }
    this.options.route(events, collector);
  }
}
