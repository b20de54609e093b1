/** Stream of blocks to re-render after a new price point (`{ hash }`). */
export const REPRICE_STREAM = 'reprice';
/** Stream of unconfirmed-transaction documents (`IndexRequest`s) from the transaction validator. */
export const PENDING_STREAM = 'pending';
/** Output fields of `REPRICE_STREAM`. */
export const REPRICE_FIELDS = ['hash'] as const;
