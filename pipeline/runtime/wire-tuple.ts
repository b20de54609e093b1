import { z } from 'zod';
import type { Origin, Tuple, Values } from './types.js';

/** A tuple as it crosses process boundaries (one BullMQ job carries several). */
export const WireTupleSchema = z.object({
  id: z.string(),
  stream: z.string(),
  src: z.string(),
  srcTask: z.number().int(),
  values: z.record(z.string(), z.unknown()),
  origins: z.array(z.object({ messageId: z.string(), attempt: z.number().int() })),
  /** Root ids of the tuple trees this tuple belongs to (empty: untracked). */
  roots: z.array(z.string()),
});
/** Its roots and origins are shared, never changed: a child carries its one anchor's arrays. */
export type WireTuple = Omit<z.infer<typeof WireTupleSchema>, 'origins' | 'roots'> & { readonly origins: readonly Origin[]; readonly roots: readonly string[] };

/** Data of one transport job. */
export const TupleBatchSchema = z.object({ tuples: z.array(WireTupleSchema) });
export type TupleBatch = z.infer<typeof TupleBatchSchema>;

/** The `Tuple` a bolt receives, backed by its wire form. */
export class RuntimeTuple implements Tuple {
  readonly id: string;
  readonly stream: string;
  readonly sourceComponent: string;
  readonly sourceTask: number;
  readonly values: Readonly<Values>;
  readonly origins: readonly Origin[];
  readonly roots: readonly string[];

  constructor(wire: WireTuple) {
    this.id = wire.id;
    this.stream = wire.stream;
    this.sourceComponent = wire.src;
    this.sourceTask = wire.srcTask;
    this.values = wire.values;
    this.origins = wire.origins;
    this.roots = wire.roots;
  }
}
