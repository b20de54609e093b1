/**
 * Milliseconds a `Retry-After` header asks for (delta seconds or an HTTP date), or null when the
 * header is absent or unreadable.
 */
export function retryAfterMs(header: unknown, nowMs: number): number | null {
  if (typeof header !== 'string' || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
