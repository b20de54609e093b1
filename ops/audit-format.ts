import { INDEX_SUFFIX } from '../pipeline/contracts/names.js';
import { AUDITED_INDICES, type AuditReport, type Difference } from './audit.js';

const show = (value: unknown) => (value === undefined ? '(absent)' : JSON.stringify(value));

/** One line per difference, e.g. `mismatch  volume-hourly  2015-11-15T03:00:00Z  volume_sat: expected 5, found 3`. */
export function formatDifference(d: Difference): string {
  const head = `${d.kind.padEnd(8)}  ${INDEX_SUFFIX[d.index].padEnd(14)}  ${d.id}`;
  return d.kind === 'mismatch' ? `${head}  ${d.field}: expected ${show(d.expected)}, found ${show(d.found)}` : head;
}

/** The audit for people: each difference, then a table per index and the verdict. */
export function formatAudit(report: AuditReport): string {
  const lines: string[] = [];
  const total = AUDITED_INDICES.reduce((s, k) => s + report.indices[k].missing + report.indices[k].extra, 0);
  if (report.differences.length > 0) {
    lines.push('Differences (kind, index, id, field):');
    for (const d of report.differences) lines.push(`  ${formatDifference(d)}`);
    const kept = report.differences.length;
    const mismatches = AUDITED_INDICES.reduce((s, k) => s + report.indices[k].mismatched, 0);
    if (kept < total + mismatches) lines.push(`  ... only the first ${kept} differences are listed`);
    lines.push('');
  }
  const { feeds, unconfirmed } = report.recount;
  lines.push(
    `Raw topics of namespace ${report.namespace}: ` +
      (['blocks', 'transactions', 'prices'] as const)
        .map((f) => `${f} ${feeds[f].records} records (${feeds[f].unique} distinct, ${feeds[f].duplicates} repeated, ${feeds[f].invalid} invalid)`)
        .join('; ') +
      `; ${unconfirmed} unconfirmed transaction events (not audited).`,
  );
  const header = ['index', 'expected', 'found', 'missing', 'extra', 'mismatched'];
  const rows = AUDITED_INDICES.map((k) => {
    const t = report.indices[k];
    return [INDEX_SUFFIX[k], t.expected, t.found, t.missing, t.extra, t.mismatched].map(String);
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  lines.push(fmt(header), ...rows.map(fmt));
  lines.push(report.exact ? 'Audit: no drift (every expected document present and equal, none extra).' : 'Audit: DRIFT (see the differences above).');
  return lines.join('\n');
}
