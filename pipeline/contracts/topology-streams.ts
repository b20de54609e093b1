import { z } from 'zod';
import { INDEX_KEYS } from './names.js';

/**
 * Streams between the bolts of the analytics topology (tuple values are JSON).
 * Every document write travels as an `IndexRequest` to the bulk index bolt.
 */

/** One document to write with an external version (`version_type: external`). */
export const IndexRequestSchema = z
  .object({
    /** Index key (see `names().indices`), resolved to the index name by the index bolt. */
    index: z.enum(INDEX_KEYS as unknown as [string, ...string[]]),
    id: z.string().min(1),
    /** External version; a write with a version not above the stored one is a 409, i.e. already done. */
    version: z.number().int().positive(),
    doc: z.record(z.string(), z.unknown()),
  })
  .strict();
export type IndexRequest = z.infer<typeof IndexRequestSchema>;

/** Asks the render bolt to re-render a block's document and its transactions' documents. */
export const RenderBlockRequestSchema = z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
export type RenderBlockRequest = z.infer<typeof RenderBlockRequestSchema>;
