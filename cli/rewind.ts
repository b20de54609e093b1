import { parseArgs } from 'node:util';
import { createKafka } from '../pipeline/clients/kafka.js';
import { loadConfig } from '../pipeline/config/config.js';
import { names } from '../pipeline/contracts/names.js';
import { exitOnError, reportRetry } from '../ops/cli-output.js';
import { type GroupMove, parseOffsetTarget } from '../ops/consumer-groups.js';
import { rewind } from '../ops/rewind.js';
import { retryTransient } from '../pipeline/clients/transient-retry.js';
import { UsageError } from '../ops/usage-error.js';

// npm run rewind -- --group G --to <offset|ISO time|earliest|latest> [--topic T] [--dry-run] [--namespace NS]
// Moves a consumer group back (or forward) so that its consumers replay from that point; refuses
// (exit 2) while the group has running consumers. G: a group id, the topology's name
// (`<ns>-analytics`: its three spout groups) or a raw feed (`blocks`, `transactions`, `prices`).
const USAGE = 'usage: npm run rewind -- --group G --to <offset|ISO time|earliest|latest> [--topic T] [--dry-run] [--namespace NS]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      group: { type: 'string' },
      to: { type: 'string' },
      topic: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      namespace: { type: 'string' },
    },
  });
  if (values.group === undefined || values.to === undefined) throw new UsageError('--group and --to are required');
  const target = parseOffsetTarget(values.to);
  const config = loadConfig(values.namespace === undefined ? process.env : { ...process.env, NAMESPACE: values.namespace });
  const n = names(config.namespace);
  const admin = createKafka(config, { clientIdSuffix: 'rewind' }).admin();
  try {
    await retryTransient('connecting to Kafka', () => admin.connect(), { onRetry: reportRetry });
    const request = { group: values.group, target, dryRun: values['dry-run'], ...(values.topic === undefined ? {} : { topic: values.topic }) };
    const moves = await retryTransient('moving the consumer group', () => rewind(admin, n, request), { onRetry: reportRetry, deadlineMs: 120_000 });
    for (const move of moves) process.stdout.write(formatMove(move, values['dry-run']));
    const partitions = moves.flatMap((m) => m.partitions);
    const toRead = partitions.reduce((sum, p) => sum + (p.high - p.after), 0);
    const again = partitions.reduce((sum, p) => sum + (p.before === null ? 0 : Math.max(0, Math.min(p.before, p.high) - p.after)), 0);
    process.stdout.write(
      `${values['dry-run'] ? 'dry run, nothing committed: the consumers would' : 'done: when they start (npx pm2 start topology-worker), the consumers'} read ${toRead} records to the end, ${again} of them processed before (replayed; every write is idempotent)\n`,
    );
  } finally {
    await admin.disconnect();
  }
}

function formatMove(move: GroupMove, dryRun: boolean): string {
  const to = move.target.kind === 'offset' ? `offset ${move.target.offset}` : move.target.kind === 'time' ? `time ${move.target.iso}` : move.target.kind;
  const rows = move.partitions.map((p) => [String(p.partition), p.before === null ? '-' : String(p.before), String(p.after), `${p.low}..${p.high}`]);
  const table = [['partition', 'before', dryRun ? 'after (planned)' : 'after', 'range'], ...rows];
  const widths = (table[0] ?? []).map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  const lines = table.map((r) => `  ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd());
  return `${move.groupId} on ${move.topic} -> ${to}\n${lines.join('\n')}\n`;
}

main().catch((err: unknown) => exitOnError(err, USAGE));
