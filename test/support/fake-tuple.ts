import { InvariantError } from '../../pipeline/runtime/index.js';
import type { BasicOutputCollector, BatchOutputCollector, OutputCollector, Tuple, Values } from '../../pipeline/runtime/index.js';

let seq = 0;

/** A tuple for calling a bolt's `execute` directly in unit tests. */
export function fakeTuple(values: Values, stream = 'default'): Tuple {
  seq += 1;
  return {
    id: `t${seq}`,
    stream,
    sourceComponent: 'test',
    sourceTask: 0,
    values,
    origins: [{ messageId: `m${seq}`, attempt: 1 }],
    get<T>(field: string): T {
      if (!(field in values)) throw new InvariantError('missing field', { field });
      return values[field] as T;
    },
  };
}

/** A basic collector that records emits as `{ stream, values }`. */
export function recordingBasicCollector(): BasicOutputCollector & { emitted: { stream: string; values: Values }[] } {
  const emitted: { stream: string; values: Values }[] = [];
  return { emitted, emit: (values, options) => emitted.push({ stream: options?.stream ?? 'default', values }) };
}

/** A batch collector that records emits as `{ stream, values, anchor }` (the anchor's tuple id) and fails by tuple id. */
export function recordingBatchCollector(): BatchOutputCollector & {
  emitted: { stream: string; values: Values; anchor: string }[];
  failed: { id: string; err: unknown }[];
} {
  const emitted: { stream: string; values: Values; anchor: string }[] = [];
  const failed: { id: string; err: unknown }[] = [];
  return {
    emitted,
    failed,
    emit: (values, options) => emitted.push({ stream: options.stream ?? 'default', values, anchor: options.anchor.id }),
    fail: (tuple, err) => failed.push({ id: tuple.id, err }),
  };
}

/** A rich collector that records acks and fails by tuple id. */
export function recordingCollector(): OutputCollector & { acked: string[]; failed: { id: string; err: unknown }[] } {
  const acked: string[] = [];
  const failed: { id: string; err: unknown }[] = [];
  return {
    acked,
    failed,
    emit: () => undefined,
    ack: (tuple) => acked.push(tuple.id),
    fail: (tuple, err) => failed.push({ id: tuple.id, err }),
  };
}
