import { parseArgs } from 'node:util';
import { createKafka } from '../pipeline/clients/kafka.js';
import { loadConfig } from '../pipeline/config/config.js';
import { names, type Names } from '../pipeline/contracts/names.js';
import { KafkaRecordSink } from '../producers/kafka-record-sink.js';
import { exitOnError, reportRetry } from '../ops/cli-output.js';
import { feedOf, forEachDeadLetter, LatestLetters, type LetterFilter, LetterGroups, type StoredLetter } from '../ops/dead-letters.js';
import { redrive, RedrivePlan } from '../ops/redrive.js';
import { stderrLogger } from '../ops/stderr-logger.js';
import { retryTransient } from '../pipeline/clients/transient-retry.js';
import { UsageError } from '../ops/usage-error.js';

// npm run dlq -- list|show|redrive [--topic T]... [--reason R] [--error E] [--component C] [--since ISO]
//   list: letters per dead-letter topic, reason, component and error, with counts and the latest example;
//   show [--limit N] [--full]: the latest N letters, decoded;
//   redrive [--limit N] [--force] [--dry-run]: republishes the chosen letters' (with --limit: the latest N) original records to their raw topics.
// --json prints one JSON object per group (list) or letter (show) instead of text.
const USAGE =
  'usage: npm run dlq -- list|show|redrive [--topic T]... [--reason R] [--error E] [--component C] [--since ISO] [--limit N] [--full] [--json] [--force] [--dry-run] [--namespace NS]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    topic: { type: 'string', multiple: true },
    reason: { type: 'string' },
    error: { type: 'string' },
    component: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    full: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    namespace: { type: 'string' },
  },
});
/** How long one read of the dead-letter topics may take. */
const READ_TIMEOUT_MS = 300_000;
const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

async function main(): Promise<void> {
  const command = positionals[0];
  if (command !== 'list' && command !== 'show' && command !== 'redrive') throw new UsageError(`unknown command ${command ?? '(none)'}`);
  const config = loadConfig(values.namespace === undefined ? process.env : { ...process.env, NAMESPACE: values.namespace });
  const n = names(config.namespace);
  const filter = letterFilter(n);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError('--limit must be a positive whole number');
  const log = stderrLogger('dlq', config.logLevel);
  const kafka = createKafka(config, { clientIdSuffix: 'dlq' });
  const admin = kafka.admin();
  await retryTransient('connecting to Kafka', () => admin.connect(), { onRetry: reportRetry });
  try {
    // Reading starts over on a transient failure: the collectors are rebuilt each time.
    const read = <T extends { add(s: StoredLetter): void }>(make: () => T) =>
      retryTransient(
        'reading the dead-letter topics',
        async () => {
          const sink = make();
          let unreadable = 0;
          await forEachDeadLetter(
            kafka,
            n,
            filter,
            (s) => sink.add(s),
            () => (unreadable += 1),
            { log, deadlineMs: Date.now() + READ_TIMEOUT_MS },
          );
          return { sink, unreadable };
        },
        { onRetry: reportRetry },
      );
    if (command === 'list') {
      const { sink, unreadable } = await read(() => new LetterGroups());
      printGroups(sink.list(), unreadable);
    } else if (command === 'show') {
      const { sink, unreadable } = await read(() => new LatestLetters(limit ?? 20));
      const letters = sink.list();
      for (const s of letters) out(values.json ? JSON.stringify(s) : formatLetter(s, values.full));
      if (!values.json)
        out(
          `${letters.length} letter(s) shown, latest first${unreadable > 0 ? `; ${unreadable} record(s) of the dead-letter topics are not dead letters` : ''}`,
        );
    } else {
      // With --limit, the same letters as `show --limit`: the latest ones.
      let plan: RedrivePlan;
      if (limit === undefined) plan = (await read(() => new RedrivePlan(n))).sink;
      else {
        plan = new RedrivePlan(n);
        for (const s of (await read(() => new LatestLetters(limit))).sink.list()) plan.add(s);
      }
      await runRedrive(kafka, n, plan);
    }
  } finally {
    await admin.disconnect();
  }
}

function letterFilter(n: Names): LetterFilter {
  const sinceMs = values.since === undefined ? undefined : Date.parse(values.since);
  if (sinceMs !== undefined && !Number.isFinite(sinceMs)) throw new UsageError('--since must be an ISO time, e.g. 2026-01-31T12:00:00Z');
  return {
    ...(values.topic === undefined ? {} : { feeds: [...new Set(values.topic.map((t) => feedOf(n, t)))] }),
    ...(values.reason === undefined ? {} : { reason: values.reason }),
    ...(values.error === undefined ? {} : { error: values.error }),
    ...(values.component === undefined ? {} : { component: values.component }),
    ...(sinceMs === undefined ? {} : { sinceMs }),
  };
}

function printGroups(groups: ReturnType<LetterGroups['list']>, unreadable: number): void {
  if (values.json) {
    for (const g of groups) out(JSON.stringify(g));
    return;
  }
  if (groups.length === 0) out('no dead letters match');
  for (const g of groups) {
    out(`${g.dlqTopic}  ${g.count} letter(s)  reason: ${g.reason}  component: ${g.component}  error: ${g.errorName}  (${g.firstTime} .. ${g.lastTime})`);
    out(indent(formatLetter(g.example, false), '    '));
  }
  const total = groups.reduce((s, g) => s + g.count, 0);
  out(`${total} letter(s) in ${groups.length} group(s)${unreadable > 0 ? `; ${unreadable} record(s) of the dead-letter topics are not dead letters` : ''}`);
}

function formatLetter(s: StoredLetter, full: boolean): string {
  const { letter } = s;
  const o = letter.origin;
  const clip = (text: string, max: number) => (full || text.length <= max ? text : `${text.slice(0, max)}... (${text.length} chars; --full shows all)`);
  return [
    `${s.dlqTopic} ${s.partition}/${s.offset}  ${letter.time}  reason: ${letter.reason}  component: ${letter.component}  attempts: ${letter.attempts}`,
    `  origin: ${o.topic} ${o.partition ?? '-'}/${o.offset ?? '-'}  key: ${o.key ?? '(none)'}`,
    `  error: ${letter.error.name}${letter.error.retriable ? ' (retriable)' : ''}: ${clip(letter.error.message, 300)}`,
    `  value (${letter.value_encoding}): ${letter.value === null ? '(none)' : clip(letter.value, 300)}`,
  ].join('\n');
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

async function runRedrive(kafka: ReturnType<typeof createKafka>, n: Names, plan: RedrivePlan): Promise<void> {
  const count = (items: { stored: StoredLetter }[]) => items.length;
  out(`chosen: ${plan.valid.length + plan.invalid.length + plan.unsendable.length} letter(s)`);
  out(`  valid for their raw topic: ${count(plan.valid)}`);
  out(
    `  not valid for their raw topic (would go straight back to the dead-letter topic): ${count(plan.invalid)}${plan.invalid.length > 0 ? (values.force ? ' (sent anyway: --force)' : ' (skipped; --force sends them)') : ''}`,
  );
  for (const i of plan.invalid.slice(0, 3)) out(`    e.g. ${i.stored.dlqTopic} ${i.stored.partition}/${i.stored.offset}: ${i.problem.slice(0, 200)}`);
  out(`  never sent (no value, not text, or not from a raw topic of ${n.namespace}): ${count(plan.unsendable)}`);
  for (const u of plan.unsendable.slice(0, 3)) out(`    e.g. ${u.stored.dlqTopic} ${u.stored.partition}/${u.stored.offset}: ${u.problem}`);
  if (values['dry-run']) {
    out('dry run: nothing sent');
    return;
  }
  const sink = new KafkaRecordSink(kafka);
  try {
    // Sending again after a transient failure is harmless: the topology counts each fact once.
    const sent = await retryTransient('republishing to the raw topics', () => redrive(sink, n, plan, { force: values.force }), { onRetry: reportRetry });
    const total = Object.values(sent).reduce((a, b) => a + b, 0);
    out(
      `republished ${total} record(s)${
        total > 0
          ? `: ${Object.entries(sent)
              .map(([t, c]) => `${t} ${c}`)
              .join(', ')}`
          : ''
      }`,
    );
  } finally {
    await sink.close();
  }
  out('downstream is idempotent (transactions by txid, blocks by hash, prices by pair and time): a record already counted is not counted again.');
  out('the letters stay in their dead-letter topics (Kafka is append-only); redriving them again is harmless.');
}

main().catch((err: unknown) => exitOnError(err, USAGE));
