import { createHash } from 'node:crypto';
import { EventBuilder } from '../../../producers/event-builder.js';
import { canonicalJson } from '../../../producers/canonical-json.js';
import { readRecorded } from '../../../producers/recorded-source.js';
import type { Clock } from '../../../pipeline/runtime/index.js';

/**
 * Builds every event of a recorded directory and returns the SHA-256 of their canonical bytes,
 * one per line in order. Run as a script (`node --import tsx event-digest.ts DIR NOW_MS`), it
 * prints the digest and the count, so tests can compare processes with different `TZ`.
 */
export async function eventDigest(dir: string, clock: Clock): Promise<{ digest: string; count: number }> {
  const builder = new EventBuilder({ producerId: 'digest', source: 'replay', clock });
  const hash = createHash('sha256');
  let count = 0;
  for await (const item of readRecorded(dir)) {
    const events =
      item.kind === 'price'
        ? [builder.price(item.price)]
        : item.kind === 'block'
          ? [builder.blockEvents(item.block).block, ...builder.blockEvents(item.block).transactions]
          : [];
    for (const e of events) {
      hash.update(canonicalJson(e)).update('\n');
      count++;
    }
  }
  return { digest: hash.digest('hex'), count };
}

const [, script, dir, now] = process.argv;
if (script?.endsWith('event-digest.ts') && dir !== undefined && now !== undefined) {
  const fixed = Number(now);
  const clock: Clock = { nowMs: () => fixed, monotonicMs: () => 0, setTimer: () => () => undefined };
  const { digest, count } = await eventDigest(dir, clock);
  process.stdout.write(
    `${JSON.stringify({ digest, count, tz: Intl.DateTimeFormat().resolvedOptions().timeZone, offsetMin: new Date(0).getTimezoneOffset() })}\n`,
  );
}
