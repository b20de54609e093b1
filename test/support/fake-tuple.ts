import { TICK_STREAM } from '../../pipeline/runtime/index.js';
import type { BasicOutputCollector, BatchOutputCollector, OutputCollector, Stream, Tuple, Values } from '../../pipeline/runtime/index.js';

let seq = 0;

/** A tuple of `stream` for calling a bolt's `execute` directly in unit tests. */
export function fakeTuple<T extends Values>(stream: Stream<T>, values: T): Tuple<T> {
  return rawTuple(stream.id, values);
}

/** A tick tuple. */
export function fakeTick(): Tuple {
  return rawTuple(TICK_STREAM, {});
}

function rawTuple<T extends Values>(stream: string, values: T): Tuple<T> {
  seq += 1;
  return { id: `t${seq}`, stream, sourceComponent: 'test', sourceTask: 0, values, origins: [{ messageId: `m${seq}`, attempt: 1 }] };
}

/** An emitted tuple as the recording collectors keep it: its stream's id and its values. */
export interface Emitted {
  stream: string;
  values: Values;
}

/** A basic collector that records emits as `{ stream, values }`. */
export function recordingBasicCollector(): BasicOutputCollector & { emitted: Emitted[] } {
  const emitted: Emitted[] = [];
  return { emitted, emit: (stream, values) => emitted.push({ stream: stream.id, values }) };
}

/** A batch collector that records emits as `{ stream, values, anchor }` (the anchor's tuple id) and fails by tuple id. */
export function recordingBatchCollector(): BatchOutputCollector & {
  emitted: (Emitted & { anchor: string })[];
  failed: { id: string; err: unknown }[];
} {
  const emitted: (Emitted & { anchor: string })[] = [];
  const failed: { id: string; err: unknown }[] = [];
  return {
    emitted,
    failed,
    emit: (stream, values, options) => emitted.push({ stream: stream.id, values, anchor: options.anchor.id }),
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
