import type { FaultVerdict } from './fault-verdict.js';

const seconds = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);
const sum = (r: Record<string, number>) => Object.values(r).reduce((s, n) => s + n, 0);

/** One scenario's verdict for people. */
export function formatVerdict(v: FaultVerdict): string {
  const lines = [
    `== ${v.scenario}: ${v.pass ? 'PASS' : 'FAIL'}`,
    `fault:            ${v.fault}`,
    `data:             ${v.dataDir} at ${v.rate} events/s per producer, namespace ${v.namespace}`,
    `recorded:         ${v.recorded.blocks} blocks, ${v.recorded.transactions} transactions, ${v.recorded.prices} prices`,
    `expected (topic): ${v.expected.blocks} blocks, ${v.expected.transactions} transactions, ${v.expected.prices} prices`,
    `found (ES):       ${v.found.blocks} blocks, ${v.found.transactions} transactions, ${v.found.prices} prices`,
    `lost:             ${v.lost} (${v.lostBeforeKafka} before Kafka)`,
    `counted twice:    ${v.countedTwice} aggregates (${v.undercounted} short)`,
    `audit drift:      ${v.drift} differences`,
    `dead letters:     ${v.deadLetters} (${v.validDeadLettered} valid records)${v.poison === null ? '' : `; poison ${v.poison.deadLettered}/${v.poison.injected} dead-lettered with a reason`}`,
    `ground truth:     ${v.truthDifferences === null ? 'not in the data directory' : `${v.truthDifferences} differences`}`,
    `time to detect:   ${seconds(v.detectMs)}${v.detectSign === null ? '' : ` (${v.detectSign})`}`,
    `time to recover:  ${seconds(v.recoverMs)} (caught up with all the data ${seconds(v.caughtUpMs)} after the fault)`,
    `peak worker RSS:  ${v.peakWorkerRssMb} MB`,
  ];
  for (const f of v.failures) lines.push(`  FAIL: ${f}`);
  for (const e of v.examples) lines.push(`  e.g. ${e}`);
  return lines.join('\n');
}

/** The summary table of several verdicts (`all`). */
export function formatSummary(verdicts: readonly FaultVerdict[]): string {
  const header = ['scenario', 'expected', 'found', 'lost', 'twice', 'valid dlq', 'drift', 'detect', 'recover', 'RSS MB', 'verdict'];
  const rows = verdicts.map((v) => [
    v.scenario,
    String(sum(v.expected)),
    String(sum(v.found)),
    String(v.lost),
    String(v.countedTwice),
    String(v.validDeadLettered),
    String(v.drift),
    seconds(v.detectMs),
    seconds(v.recoverMs),
    String(v.peakWorkerRssMb),
    v.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [fmt(header), ...rows.map(fmt)].join('\n');
}
