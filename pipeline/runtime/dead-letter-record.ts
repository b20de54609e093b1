import type { DeadLetter } from './dead-letter.js';
import { PipelineError } from './errors.js';
import { TupleFailedError } from './tuple-failure.js';

/** Builds the dead letter of a Kafka record that failed for good. */
export function deadLetterRecord(input: {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  reason: string;
  error: unknown;
  /** Component to blame when the error does not name one (the spout itself). */
  component: string;
  attempts: number;
  nowMs: number;
}): DeadLetter {
  const err = input.error;
  const utf8 = input.value === null ? null : input.value.toString('utf8');
  const isText = utf8 !== null && Buffer.from(utf8, 'utf8').equals(input.value as Buffer);
  const name = err instanceof TupleFailedError ? err.errorName : err instanceof Error ? err.name : 'Error';
  const message = err instanceof TupleFailedError ? err.errorMessage : err instanceof Error ? err.message : String(err);
  return {
    kind: 'dead-letter',
    schema_version: 1,
    origin: { topic: input.topic, partition: input.partition, offset: input.offset, key: input.key === null ? null : input.key.toString('utf8') },
    value: input.value === null ? null : isText ? utf8 : input.value.toString('base64'),
    value_encoding: isText || input.value === null ? 'utf8' : 'base64',
    reason: input.reason,
    error: { name, message: message.slice(0, 4000), retriable: err instanceof PipelineError ? err.retriable : true },
    component: err instanceof TupleFailedError ? err.component : input.component,
    attempts: input.attempts,
    time: new Date(input.nowMs).toISOString(),
  };
}
