import { address } from 'bitcoinjs-lib';

/**
 * The mainnet address of an output script, or null when the script has none (bare P2PK,
 * multisig, OP_RETURN, non-standard). P2PKH and P2SH encode as base58, segwit v0 as bech32,
 * v1+ (taproot and future versions) as bech32m, as Bitcoin Core and Esplora do. The patterns are
 * matched here and the encoding is bitcoinjs-lib's, so no curve library is needed for taproot keys.
 */
export function outputAddress(script: Uint8Array): string | null {
  const n = script.length;
  if (n === 25 && script[0] === 0x76 && script[1] === 0xa9 && script[2] === 0x14 && script[23] === 0x88 && script[24] === 0xac) {
    return address.toBase58Check(script.subarray(3, 23), 0x00);
  }
  if (n === 23 && script[0] === 0xa9 && script[1] === 0x14 && script[22] === 0x87) {
    return address.toBase58Check(script.subarray(2, 22), 0x05);
  }
  const op = script[0];
  if (op === undefined || n < 4 || n > 42 || script[1] !== n - 2) return null;
  // Witness programs: OP_0 or OP_1..OP_16 followed by one push of 2..40 bytes (BIP141).
  const version = op === 0x00 ? 0 : op >= 0x51 && op <= 0x60 ? op - 0x50 : -1;
  if (version < 0) return null;
  const program = script.subarray(2);
  if (version === 0 && program.length !== 20 && program.length !== 32) return null;
  return address.toBech32(program, version, 'bc');
}
