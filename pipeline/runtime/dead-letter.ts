import { z } from 'zod';
const UtcIsoSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/);

/**
 * A record that could not be processed, as written to a dead-letter topic (key: the original key).
 * `value` is the original record value, UTF-8 text when it decodes as such, else base64.
 */
export const DeadLetterSchema = z
  .object({
    kind: z.literal('dead-letter'),
    schema_version: z.literal(1),
    origin: z.object({
      topic: z.string(),
      partition: z.number().int().nonnegative().nullable(),
      offset: z.string().nullable(),
      key: z.string().nullable(),
    }),
    value: z.string().nullable(),
    value_encoding: z.enum(['utf8', 'base64']),
    reason: z.string(),
    error: z.object({ name: z.string(), message: z.string(), retriable: z.boolean() }),
    component: z.string(),
    attempts: z.number().int().nonnegative(),
    time: UtcIsoSchema,
  })
  .strict();
export type DeadLetter = z.infer<typeof DeadLetterSchema>;
