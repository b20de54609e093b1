import { existsSync } from 'node:fs';
import { RAW_FEEDS, type RawFeed } from '../../../pipeline/contracts/names.js';
import { readTopicsToEnd } from '../../raw-topic-reader.js';
import type { FaultScenario } from '../fault-scenario.js';

/** Where Debian's `faketime` package puts libfaketime (amd64, arm64). */
const LIBFAKETIME = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1'];

const libfaketime = () => LIBFAKETIME.find((p) => existsSync(p));

/** A zone far from UTC with a 45-minute offset, so that any local-time bucketing shows. */
const OTHER_ZONE = 'Pacific/Chatham';
/** Records whose ingest time is this much before the run started come from the shifted clock. */
const SHIFT_SEEN_MS = 30 * 60_000;

/**
 * The producers restarted mid-stream in another time zone with their clock one hour back
 * (libfaketime, `FAKETIME=-1h`, wall and monotonic clocks alike): the results, which use event
 * time from the data, must not change. The end-state check proves the fault happened: records
 * published by the shifted producers carry an ingest time an hour behind.
 */
export const clock: FaultScenario = {
  name: 'clock',
  summary: `the producers restarted in ${OTHER_ZONE} with their clock 1 h back (libfaketime)`,
  defaultSeconds: 0,
  // The producers must still be publishing when they restart with the shifted clock: on a busy
  // machine at 150 events/s they had published everything by the time 30% was processed, and at
  // 1,000 events/s by the time 2% was; hence their own progress as the trigger. A rate at which
  // the data lasts less than a pm2 restart (about 26 s here) still leaves nothing to shift, and
  // the check says so.
  injectAt: 0.02,
  injectOn: 'published',
  missing: () => (libfaketime() === undefined ? 'libfaketime not found: apt-get install -y faketime (.ci/run installs it)' : null),
  async inject({ pipeline, log }) {
    const lib = libfaketime();
    if (lib === undefined) throw new Error('libfaketime not found: apt-get install -y faketime (.ci/run installs it)');
    pipeline.restartProducers({ TZ: OTHER_ZONE, LD_PRELOAD: lib, FAKETIME: '-1h', FAKETIME_DONT_RESET: '1' }, -3_600_000);
    const since = pipeline.startedMs;
    return {
      description: `producers restarted with TZ=${OTHER_ZONE}, FAKETIME=-1h (${lib})`,
      async check() {
        const shifted: Record<RawFeed, number> = { blocks: 0, transactions: 0, prices: 0 };
        const feedOf = new Map(RAW_FEEDS.map((f) => [pipeline.names.topics[f], f]));
        await readTopicsToEnd(
          pipeline.kafka,
          RAW_FEEDS.map((f) => pipeline.names.topics[f]),
          (records) => {
            for (const r of records) {
              if (ingestTimeMs(r.value) < since - SHIFT_SEEN_MS) shifted[feedOf.get(r.topic) as RawFeed] += 1;
            }
          },
          { deadlineMs: Date.now() + 120_000, log, groupPrefix: `${pipeline.names.namespace}-clock-check` },
        );
        log.info({ shifted }, 'records published with the shifted clock');
        const total = shifted.blocks + shifted.transactions + shifted.prices;
        return total > 0 ? [] : ['no record carries a shifted ingest time: the clock fault did not reach the producers'];
      },
    };
  },
};

/** The record's `ingest_time` (epoch ms), NaN when it has none. */
function ingestTimeMs(value: Buffer | null): number {
  try {
    return Date.parse((JSON.parse(value?.toString('utf8') ?? '{}') as { ingest_time?: string }).ingest_time ?? '');
  } catch {
    return Number.NaN;
  }
}
