import type { Client } from '@elastic/elasticsearch';
import type { estypes } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { IndexKey, Names } from '../pipeline/contracts/names.js';
import type { PoolIdentifier } from '../pipeline/topology/domain/pool-identifier.js';
import { type ExpectedDoc, type Recount, recountRawTopics } from './raw-recount.js';
import { retryTransient } from './retry-transient.js';

/**
 * Reconciles the raw topics with Elasticsearch: the independent recount (`raw-recount.ts`)
 * against every index the topology writes from the raw topics (prices, blocks, transactions,
 * volume-hourly, miners-daily, miners-monthly; the pending view is not a result and is left out).
 * Every expected document must be there with every field equal (numbers exactly: both sides
 * compute EUR with exact decimals), and no other document may be. Run it when the pipeline has
 * caught up: a record published after the audit began is not in the recount, and its documents
 * show as extra until the next audit.
 */

/** Indices the audit compares, in report order. */
export const AUDITED_INDICES = ['blocks', 'transactions', 'volumeHourly', 'minersDaily', 'minersMonthly', 'prices'] as const satisfies readonly IndexKey[];
/** One of `AUDITED_INDICES`. */
export type AuditedIndex = (typeof AUDITED_INDICES)[number];

/** One difference between the recount and Elasticsearch. */
export type Difference =
  | { kind: 'missing'; index: AuditedIndex; id: string }
  | { kind: 'extra'; index: AuditedIndex; id: string }
  | { kind: 'mismatch'; index: AuditedIndex; id: string; field: string; expected: unknown; found: unknown };

/** Per index: documents expected, expected ones found, and differences by kind. */
export interface IndexTally {
  expected: number;
  found: number;
  missing: number;
  extra: number;
  /** Documents with at least one field that differs. */
  mismatched: number;
}

/** The audit's outcome. */
export interface AuditReport {
  namespace: string;
  recount: Pick<Recount, 'feeds' | 'unconfirmed'>;
  indices: Record<AuditedIndex, IndexTally>;
  /** Every difference found, up to `maxDifferences` (the tallies count them all). */
  differences: Difference[];
  /** True when the tallies hold no difference at all. */
  exact: boolean;
}

/** Options of `auditNamespace`. */
export interface AuditOptions {
  kafka: Kafka;
  es: Client;
  names: Names;
  pools: PoolIdentifier;
  log: Logger;
  /** Epoch ms; an unreachable service is retried until then. */
  deadlineMs: number;
  /** Differences kept in the report (default 1,000); the tallies count every one. */
  maxDifferences?: number;
  /** Also hand back the recount (the fault scenarios compare it with the recorded data). */
  onRecount?: (recount: Recount) => void;
}

type Source = Record<string, unknown>;

/** Audits a namespace: recount of its raw topics against its indices. */
export async function auditNamespace(options: AuditOptions): Promise<AuditReport> {
  const { es, names: n, log, deadlineMs } = options;
  const max = options.maxDifferences ?? 1_000;
  const differences: Difference[] = [];
  const indices = Object.fromEntries(AUDITED_INDICES.map((k) => [k, { expected: 0, found: 0, missing: 0, extra: 0, mismatched: 0 }])) as Record<
    AuditedIndex,
    IndexTally
  >;
  const note = (d: Difference) => {
    if (differences.length < max) differences.push(d);
  };
  const retry = <T>(what: string, action: () => Promise<T>) => retryTransient(action, { what, deadlineMs, log });

  const started = Date.now();
  for (const key of AUDITED_INDICES) await retry(`refresh of ${n.indices[key]}`, () => es.indices.refresh({ index: n.indices[key] }));

  const compareOne = (index: AuditedIndex, id: string, expected: Source, found: Source | undefined) => {
    const tally = indices[index];
    tally.expected += 1;
    if (found === undefined) {
      tally.missing += 1;
      note({ kind: 'missing', index, id });
      return;
    }
    tally.found += 1;
    const fields = fieldDifferences(expected, found);
    if (fields.length > 0) tally.mismatched += 1;
    for (const f of fields) note({ kind: 'mismatch', index, id, ...f });
  };

  // Transactions stream by in batches and are looked up by id.
  const checkTransactions = async (docs: ExpectedDoc<Source>[]) => {
    const ids = docs.map((d) => d.id);
    const response = await retry('transaction documents', () => es.mget<Source>({ index: n.indices.transactions, ids }));
    const byId = new Map<string, Source>();
    for (const d of response.docs) if ('found' in d && d.found && d._source !== undefined) byId.set(d._id, d._source);
    for (const d of docs) compareOne('transactions', d.id, d.doc, byId.get(d.id));
  };
  const recount = await recountRawTopics({
    kafka: options.kafka,
    names: n,
    pools: options.pools,
    log,
    deadlineMs,
    onTransactionDocs: (docs) => checkTransactions(docs as unknown as ExpectedDoc<Source>[]),
  });
  options.onRecount?.(recount);
  log.info({ feeds: recount.feeds, afterMs: Date.now() - started }, 'raw topics recounted; transactions compared');
  const stored = await retry('transaction count', () => es.count({ index: n.indices.transactions }));
  if (stored.count > indices.transactions.found) {
    await scanIds(es, n.indices.transactions, 'txid', retry, (id) => {
      if (recount.transactions.has(id)) return;
      indices.transactions.extra += 1;
      note({ kind: 'extra', index: 'transactions', id });
    });
  }

  // The other indices hold one document per block, hour, pool bucket or price point: read whole.
  const whole: [AuditedIndex, Map<string, unknown>][] = [
    ['blocks', recount.blocks],
    ['volumeHourly', recount.volumeHourly],
    ['minersDaily', recount.minersDaily],
    ['minersMonthly', recount.minersMonthly],
    ['prices', recount.prices],
  ];
  for (const [index, expected] of whole) {
    const found = await retry(`documents of ${n.indices[index]}`, () => readAll(es, n.indices[index]));
    for (const [id, doc] of expected) compareOne(index, id, doc as Source, found.get(id));
    for (const id of found.keys()) {
      if (expected.has(id)) continue;
      indices[index].extra += 1;
      note({ kind: 'extra', index, id });
    }
  }

  log.info({ afterMs: Date.now() - started }, 'audit done');
  const exact = Object.values(indices).every((t) => t.missing === 0 && t.extra === 0 && t.mismatched === 0);
  return { namespace: n.namespace, recount: { feeds: recount.feeds, unconfirmed: recount.unconfirmed }, indices, differences, exact };
}

/** Fields whose values differ (absent counts as undefined), in the expected document's order. */
export function fieldDifferences(expected: Source, found: Source): { field: string; expected: unknown; found: unknown }[] {
  const out: { field: string; expected: unknown; found: unknown }[] = [];
  for (const field of new Set([...Object.keys(expected), ...Object.keys(found)])) {
    const e = expected[field];
    const f = found[field];
    if (!Object.is(e ?? null, f ?? null)) out.push({ field, expected: e, found: f });
  }
  return out;
}

const PAGE = 1_000;

/** Every document of a small index by id (a scroll; cleared at the end). */
async function readAll(es: Client, index: string): Promise<Map<string, Source>> {
  const out = new Map<string, Source>();
  let response = await es.search<Source>({ index, size: PAGE, scroll: '1m', sort: ['_doc'], query: { match_all: {} } });
  try {
    while (response.hits.hits.length > 0) {
      for (const h of response.hits.hits) if (h._id !== undefined && h._source !== undefined) out.set(h._id, h._source);
      response = await es.scroll<Source>({ scroll_id: response._scroll_id as string, scroll: '1m' });
    }
  } finally {
    if (response._scroll_id !== undefined) await es.clearScroll({ scroll_id: response._scroll_id }).catch(() => undefined);
  }
  return out;
}

/**
 * Calls `visit` with every id of an index (no sources), page by page in the order of `sortField`,
 * a unique keyword (Elasticsearch 8 refuses to sort on `_id`).
 */
async function scanIds(
  es: Client,
  index: string,
  sortField: string,
  retry: <T>(what: string, action: () => Promise<T>) => Promise<T>,
  visit: (id: string) => void,
): Promise<void> {
  let after: estypes.SortResults | undefined;
  for (;;) {
    const from = after;
    const response = await retry(`ids of ${index}`, () =>
      es.search({
        index,
        size: PAGE,
        _source: false,
        sort: [{ [sortField]: 'asc' }],
        ...(from === undefined ? {} : { search_after: from }),
        query: { match_all: {} },
      }),
    );
    const hits = response.hits.hits;
    for (const h of hits) if (h._id !== undefined) visit(h._id);
    if (hits.length < PAGE) return;
    after = hits.at(-1)?.sort;
  }
}
