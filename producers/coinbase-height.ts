/** First mainnet height whose coinbase must start with the height (BIP34). */
export const BIP34_HEIGHT = 227_931;

/**
 * Reads the height pushed at the start of a coinbase script (BIP34), or null when the script does
 * not start with a minimal push of 1 to 8 bytes. Blocks before `BIP34_HEIGHT` may start with any
 * bytes, so callers trust the result only for blocks at or after that height.
 */
export function coinbaseHeight(script: Uint8Array): number | null {
  const len = script[0];
  if (len === undefined) return null;
  // OP_1..OP_16 push small numbers directly; heights this low predate BIP34 anyway.
  if (len >= 0x51 && len <= 0x60) return len - 0x50;
  if (len < 1 || len > 8 || script.length < 1 + len) return null;
  let value = 0;
  for (let i = len; i >= 1; i--) value = value * 256 + (script[i] as number);
  return Number.isSafeInteger(value) ? value : null;
}
