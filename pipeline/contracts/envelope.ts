import { z } from 'zod';
import { SchemaError } from '../runtime/index.js';

/** ISO-8601 UTC timestamp with a `Z` suffix, e.g. `2017-08-24T00:25:23.000Z`. */
export const UtcIsoSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/, 'must be an ISO-8601 UTC time ending in Z');

/** Integer amount of satoshis (safe integer, never negative). */
export const SatsSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Time of the genesis block, Unix seconds: nothing of Bitcoin (a block, a price of BTC) is older. */
export const GENESIS_TIME = 1_231_006_505;
/** How far in the future a block time may be (Bitcoin's own consensus rule: 2 hours past network time). */
export const MAX_FUTURE_SECONDS = 7_200;

/**
 * A Bitcoin event time, Unix seconds (UTC): from the genesis block up to 2 hours past the current
 * time, the bound Bitcoin nodes themselves apply to block headers. A record outside that range (a
 * time in 1970 or 2100) is bad input and is dead-lettered, never counted.
 */
export const ChainTimeSchema = z
  .number()
  .int()
  .min(GENESIS_TIME, `must not be before the genesis block (${GENESIS_TIME})`)
  .refine((t) => t <= Date.now() / 1000 + MAX_FUTURE_SECONDS, 'must not be more than 2 hours in the future');

/**
 * The envelope around every event in a raw topic (schema version 1 unless `version` says otherwise:
 * a kind whose data grows gets a new version, and readers accept every version still in Kafka).
 * `event_time` comes from the data (block header time, the price's own timestamp), in UTC;
 * `ingest_time` is the producer's wall clock and is the only field that differs between two
 * publications of the same fact.
 */
export function envelopeSchema<const K extends string, D extends z.ZodType, const V extends number = 1>(kind: K, data: D, version?: V) {
  return z
    .object({
      kind: z.literal(kind),
      schema_version: z.literal((version ?? 1) as V),
      source: z.string().min(1),
      event_time: UtcIsoSchema,
      event_time_ms: z.number().int(),
      ingest_time: UtcIsoSchema,
      producer_id: z.string().min(1),
      data,
    })
    .strict()
    .refine((e) => Date.parse(e.event_time) === e.event_time_ms, {
      message: 'event_time and event_time_ms disagree',
      path: ['event_time_ms'],
    });
}

/** Parses `value` with `schema` or throws a `SchemaError` naming every problem. */
export function parseWith<T>(schemaName: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new SchemaError(
    schemaName,
    result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    { cause: result.error },
  );
}

/** Parses a Kafka message value (UTF-8 JSON) with `schema`; bad JSON is a `SchemaError` too. */
export function decodeJson<T>(schemaName: string, schema: z.ZodType<T>, raw: Buffer | string | null): T {
  if (raw === null) throw new SchemaError(schemaName, [{ path: '', message: 'empty message value' }]);
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (cause) {
    throw new SchemaError(schemaName, [{ path: '', message: 'not valid JSON' }], { cause });
  }
  return parseWith(schemaName, schema, value);
}
