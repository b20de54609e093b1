import { Block, type Transaction } from 'bitcoinjs-lib';
import type { BlockData } from '../pipeline/contracts/block-event.js';
import type { ConfirmedTxData, TxOutput } from '../pipeline/contracts/transaction-event.js';
import { SchemaError } from '../pipeline/runtime/index.js';
import { BIP34_HEIGHT, coinbaseHeight } from './coinbase-height.js';
import { outputAddress } from './output-address.js';

/** A raw block turned into the data of one block event and one event per transaction. */
export interface DecodedBlock {
  block: BlockData;
  /** Every transaction of the block in block order, coinbase first. */
  transactions: ConfirmedTxData[];
}

/** Options of `decodeBlock`. */
export interface DecodeBlockOptions {
  /**
   * Height known from elsewhere (the API, the file name). Required for blocks before BIP34
   * (height 227,931), whose coinbase does not carry it; checked against the coinbase after.
   */
  height?: number;
}

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const toTxidHex = (bytes: Uint8Array): string => Buffer.from(bytes).reverse().toString('hex');

function toSats(value: bigint, where: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new SchemaError('raw block', [{ path: where, message: `output value ${value} is not a safe integer of sats` }]);
  }
  return Number(value);
}

function outputsOf(tx: Transaction, index: number): TxOutput[] {
  return tx.outs.map((out, n) => ({
    n,
    value_sat: toSats(out.value, `transactions.${index}.outs.${n}.value`),
    address: outputAddress(out.script),
  }));
}

function resolveHeight(block: Block, coinbaseScript: Uint8Array, known: number | undefined): number {
  const fromCoinbase = coinbaseHeight(coinbaseScript);
  const bip34 = block.version >= 2 && fromCoinbase !== null && fromCoinbase >= BIP34_HEIGHT ? fromCoinbase : null;
  if (known === undefined) {
    if (bip34 === null) {
      throw new SchemaError('raw block', [{ path: 'height', message: 'block predates BIP34 and no height was given' }]);
    }
    return bip34;
  }
  if (known >= BIP34_HEIGHT && bip34 !== known) {
    throw new SchemaError('raw block', [{ path: 'height', message: `coinbase height ${fromCoinbase} differs from the given height ${known}` }]);
  }
  return known;
}

/**
 * Decodes a block as serialised on the network (hex text or bytes). Throws a `SchemaError` when
 * the bytes are not a block or when the height cannot be established.
 */
export function decodeBlock(raw: string | Uint8Array, options: DecodeBlockOptions = {}): DecodedBlock {
  let block: Block;
  try {
    block = typeof raw === 'string' ? Block.fromHex(raw.trim()) : Block.fromBuffer(raw);
  } catch (cause) {
    throw new SchemaError('raw block', [{ path: '', message: 'bytes do not decode as a block' }], { cause });
  }
  const txs = block.transactions ?? [];
  const coinbase = txs[0];
  if (coinbase === undefined || block.prevHash === undefined || !coinbase.isCoinbase()) {
    throw new SchemaError('raw block', [{ path: 'transactions', message: 'block has no coinbase transaction' }]);
  }
  const coinbaseInput = coinbase.ins[0];
  const coinbaseScript = coinbaseInput === undefined ? new Uint8Array() : coinbaseInput.script;
  const height = resolveHeight(block, coinbaseScript, options.height);
  const hash = block.getId();
  const time = block.timestamp;

  const transactions: ConfirmedTxData[] = txs.map((tx, index) => {
    const outputs = outputsOf(tx, index);
    return {
      status: 'confirmed',
      txid: toTxidHex(tx.getHash()),
      block_height: height,
      block_hash: hash,
      block_time: time,
      index_in_block: index,
      is_coinbase: index === 0,
      outputs,
      output_total_sat: outputs.reduce((sum, o) => sum + o.value_sat, 0),
    };
  });
  const first = transactions[0] as ConfirmedTxData;

  return {
    block: {
      height,
      hash,
      previous_hash: toTxidHex(block.prevHash),
      time,
      tx_count: txs.length,
      coinbase_script_hex: toHex(coinbaseScript),
      coinbase_outputs: first.outputs.map((o) => ({ ...o })),
      bits: block.bits,
    },
    transactions,
  };
}
