/**
 * Every topic, index, index template, Redis key prefix and consumer group of the application,
 * derived from one namespace (default `btc`). No other module builds such a name inline.
 * The runtime names its own queues and keys under the topology name (see `pipeline/runtime`).
 */
export interface Names {
  namespace: string;
  topics: {
    blocks: string;
    transactions: string;
    prices: string;
  };
  /** Dead-letter topic of each raw topic. */
  deadLetter: {
    blocks: string;
    transactions: string;
    prices: string;
  };
  indices: {
    prices: string;
    blocks: string;
    transactions: string;
    volumeHourly: string;
    minersDaily: string;
    minersMonthly: string;
    pendingTransactions: string;
  };
  /** Prefix of every Redis key the application (not the runtime) writes. */
  redisPrefix: string;
  /** Name of the analytics topology (the runtime prefixes its queues and keys with it). */
  topology: string;
  /** BullMQ queue prefix used by the producers' pollers. */
  producerQueuePrefix: string;
  /** Redis keys of the producers (cursor and dedup state). */
  producerKeys: {
    /** Hash: `height`, `hash` of the last published block. */
    blocksCursor: string;
    /** Hash: height -> block hash of recently published blocks (reorg detection). */
    blocksChain: string;
    /** Prefix of one key per unconfirmed txid already published (expires). */
    mempoolSeenPrefix: string;
    /** Hash: price provider -> time (Unix seconds) of its last published point. */
    pricesCursor: string;
  };
}

/** Raw topic names in a fixed order, handy for setup and checks. */
export type RawFeed = 'blocks' | 'transactions' | 'prices';
export const RAW_FEEDS: readonly RawFeed[] = ['blocks', 'transactions', 'prices'];

/** Index keys in a fixed order. */
export type IndexKey = keyof Names['indices'];
export const INDEX_KEYS: readonly IndexKey[] = ['prices', 'blocks', 'transactions', 'volumeHourly', 'minersDaily', 'minersMonthly', 'pendingTransactions'];

/** Every index of a namespace, in `INDEX_KEYS` order (to create, flush, count or delete them all). */
export function allIndices(n: Pick<Names, 'indices'>): string[] {
  return INDEX_KEYS.map((key) => n.indices[key]);
}

/** Index file stem in `es-templates/` for each index key. */
export const INDEX_SUFFIX: Readonly<Record<IndexKey, string>> = {
  prices: 'prices',
  blocks: 'blocks',
  transactions: 'transactions',
  volumeHourly: 'volume-hourly',
  minersDaily: 'miners-daily',
  minersMonthly: 'miners-monthly',
  pendingTransactions: 'pending-transactions',
};

/** Builds every name of the application under `namespace`. */
export function names(namespace: string): Names {
  const ns = namespace;
  const index = (key: IndexKey) => `${ns}-${INDEX_SUFFIX[key]}`;
  return {
    namespace: ns,
    topics: { blocks: `${ns}.blocks`, transactions: `${ns}.transactions`, prices: `${ns}.prices` },
    deadLetter: { blocks: `${ns}.blocks.dlq`, transactions: `${ns}.transactions.dlq`, prices: `${ns}.prices.dlq` },
    indices: {
      prices: index('prices'),
      blocks: index('blocks'),
      transactions: index('transactions'),
      volumeHourly: index('volumeHourly'),
      minersDaily: index('minersDaily'),
      minersMonthly: index('minersMonthly'),
      pendingTransactions: index('pendingTransactions'),
    },
    redisPrefix: `${ns}:app:`,
    topology: `${ns}-analytics`,
    producerQueuePrefix: `${ns}-producers`,
    producerKeys: {
      blocksCursor: `${ns}:app:producer:blocks:cursor`,
      blocksChain: `${ns}:app:producer:blocks:chain`,
      mempoolSeenPrefix: `${ns}:app:producer:mempool:seen:`,
      pricesCursor: `${ns}:app:producer:prices:cursor`,
    },
  };
}
