import { InvariantError } from './errors.js';
import type { Tuple } from './types.js';

/**
 * A key for making a sink's effect idempotent under replay: the spout message id(s) the tuple
 * descends from (stable across attempts), optionally with a discriminator when one spout record
 * produces several effects. Two deliveries of the same logical effect get the same key.
 */
export function idempotencyKey(tuple: Tuple, discriminator?: string): string {
  if (tuple.origins.length === 0) throw new InvariantError('untracked tuple has no origin to derive an idempotency key from', { stream: tuple.stream });
  const ids = tuple.origins.map((o) => o.messageId).sort();
  return discriminator === undefined ? ids.join('+') : `${ids.join('+')}#${discriminator}`;
}
