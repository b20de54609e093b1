import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../pipeline/config/config.js';
import { createKafka } from '../../pipeline/clients/kafka.js';
import type { Names } from '../../pipeline/contracts/names.js';
import { createLogger } from '../../pipeline/runtime/index.js';
import { FakeClock } from '../../pipeline/runtime/testing/index.js';
import { EventBuilder } from '../../producers/event-builder.js';
import { EventPublisher } from '../../producers/event-publisher.js';
import { KafkaRecordSink } from '../../producers/kafka-record-sink.js';
import { MempoolFeed, type SeenSet } from '../../producers/mempool-feed.js';
import { ProducerMetrics } from '../../producers/producer-metrics.js';
import { fixedJson } from '../unit/producers/recorded-api-getter.js';
import { memorySeenSet } from './memory-seen-set.js';

/**
 * Unconfirmed transactions for the pending view, from the real mempool.space `/mempool/recent`
 * answer in `samples/`, seen by the mempool producer in three polls at fixed UTC instants:
 *   1. 10:15, the first six entries;
 *   2. 11:05, all ten (the producer's seen set skips the first six);
 *   3. 12:30, all ten again from a producer with an empty seen set (an expired dedup key, or a
 *      second producer), so every transaction is published a second time, seen later.
 * The pending index must keep each transaction once, at its earliest sighting.
 */

/** One entry of the recorded `/mempool/recent` answer. */
export interface MempoolEntry {
  txid: string;
  fee: number;
  vsize: number;
  value: number;
}

/** One poll of the mempool producer. */
export interface Sighting {
  atMs: number;
  entries: MempoolEntry[];
  /** True: the poll starts from an empty seen set. */
  freshSeenSet: boolean;
}

/** The recorded mempool answer of `dataDir` (layout of `../shared/data`). */
export function mempoolSample(dataDir: string): MempoolEntry[] {
  return (JSON.parse(readFileSync(join(dataDir, 'samples/mempool-space_mempool_recent.json'), 'utf8')) as { data: MempoolEntry[] }).data;
}

/** The three polls of the module comment. */
export function pendingSightings(dataDir: string): Sighting[] {
  const sample = mempoolSample(dataDir);
  return [
    { atMs: Date.UTC(2024, 0, 1, 10, 15), entries: sample.slice(0, 6), freshSeenSet: false },
    { atMs: Date.UTC(2024, 0, 1, 11, 5), entries: sample, freshSeenSet: false },
    { atMs: Date.UTC(2024, 0, 1, 12, 30), entries: sample, freshSeenSet: true },
  ];
}

/** Each txid with the entry and the time of its earliest sighting. */
export function earliestSightings(sightings: readonly Sighting[]): Map<string, { entry: MempoolEntry; atMs: number }> {
  const earliest = new Map<string, { entry: MempoolEntry; atMs: number }>();
  for (const s of sightings) {
    for (const entry of s.entries) {
      const known = earliest.get(entry.txid);
      if (known === undefined || s.atMs < known.atMs) earliest.set(entry.txid, { entry, atMs: s.atMs });
    }
  }
  return earliest;
}

/** Runs the polls with the real `MempoolFeed` against the namespace's transaction topic; returns the events published. */
export async function publishPendingSightings(config: Config, n: Names, sightings: readonly Sighting[]): Promise<number> {
  const sink = new KafkaRecordSink(createKafka(config, { clientIdSuffix: 'pending-sightings' }));
  const log = createLogger({ name: 'pending-sightings', level: 'warn' });
  const metrics = new ProducerMetrics();
  let seen: SeenSet = memorySeenSet();
  let published = 0;
  try {
    for (const s of sightings) {
      if (s.freshSeenSet) seen = memorySeenSet();
      const clock = new FakeClock(s.atMs);
      const publisher = new EventPublisher({ sink, names: n, component: 'producer-mempool', clock, log, metrics });
      const builder = new EventBuilder({ producerId: 'producer-mempool', source: 'mempool-space-sample', clock });
      published += await new MempoolFeed({ http: fixedJson(s.entries), seen, builder, publisher, clock, metrics }).poll();
    }
  } finally {
    await sink.close();
  }
  return published;
}
