/** Stream of aggregate keys whose state changed (`{ agg }`), read by the aggregate render bolt. */
export const DIRTY_STREAM = 'dirty';
/** Stream of blocks to re-render after a new price point (`{ hash }`). */
export const REPRICE_STREAM = 'reprice';
/** Stream of unconfirmed-transaction documents (`IndexRequest`s) from the transaction validator. */
export const PENDING_STREAM = 'pending';
/** Output fields of `DIRTY_STREAM`. */
export const DIRTY_FIELDS = ['agg'] as const;
/** Output fields of `REPRICE_STREAM`. */
export const REPRICE_FIELDS = ['hash'] as const;
