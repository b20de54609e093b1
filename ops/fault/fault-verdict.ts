import type { RawFeed } from '../../pipeline/contracts/names.js';
import type { AuditReport, Difference } from '../audit.js';
import { formatDifference } from '../audit-format.js';
import type { Recount } from '../raw-recount.js';
import type { LetterSummary } from './dead-letter-scan.js';
import type { ScenarioName } from './fault-scenario.js';

type PerFeed = Record<RawFeed, number>;

/** The outcome of one fault scenario, with the numbers it is judged on. */
export interface FaultVerdict {
  scenario: ScenarioName;
  namespace: string;
  dataDir: string;
  rate: number;
  /** What was injected, or why nothing was. */
  fault: string;
  /** Events the recorded data holds (blocks, transactions with coinbases, price points served). */
  recorded: PerFeed;
  /** Distinct valid records in the raw topics (the independent recount). */
  expected: PerFeed;
  /** Their documents found in Elasticsearch. */
  found: PerFeed;
  /** Recorded events missing from the raw topics plus expected documents missing from Elasticsearch. */
  lost: number;
  /** Of `lost`, the recorded events that never reached the raw topics. */
  lostBeforeKafka: number;
  /** Aggregate documents (hours, pools per day and month) with a count or sum above the recount. */
  countedTwice: number;
  /** Aggregate documents with a count or sum below the recount. */
  undercounted: number;
  /** Every difference of the audit (missing, extra, mismatched documents). */
  drift: number;
  deadLetters: number;
  /** Dead letters whose record is a valid event: results lost to the dead-letter topics. */
  validDeadLettered: number;
  /** Poison records injected and those found in a dead-letter topic with a reason (poison only). */
  poison: { injected: number; deadLettered: number } | null;
  /** Differences from `DIR/expected/ground_truth.json`; null when DIR has none. */
  truthDifferences: number | null;
  /** Fault start to its first sign, and the sign; null when none showed. */
  detectMs: number | null;
  detectSign: string | null;
  /** Fault end to the flow back at its pre-fault lag; null when it never was before the deadline. */
  recoverMs: number | null;
  /** Fault end to everything published and processed. */
  caughtUpMs: number | null;
  peakWorkerRssMb: number;
  pass: boolean;
  /** Why it failed, one line each. */
  failures: string[];
  /** The first differences (audit, ground truth), for the report. */
  examples: string[];
}

const COUNT_FIELDS = new Set(['blocks', 'tx_count', 'volume_sat', 'reward_sat']);
const AGGREGATES = new Set(['volumeHourly', 'minersDaily', 'minersMonthly']);

/** What a verdict is made of: the run's identity, the audit, the dead letters and the timings. */
export interface VerdictInputs extends Pick<FaultVerdict, 'scenario' | 'namespace' | 'dataDir' | 'rate' | 'fault' | 'recorded'> {
  audit: AuditReport | null;
  recount: Recount | null;
  letters: readonly LetterSummary[];
  poisonKeys: readonly string[] | null;
  truth: string[] | null;
  timings: { detectMs: number | null; detectSign: string | null; recoverMs: number | null; caughtUpMs: number | null };
  peakWorkerRssBytes: number;
  /** Failures found along the way (not caught up, scenario checks, errors). */
  failures: string[];
}

/** Judges a scenario: PASS only with nothing lost, nothing counted twice, no valid dead letter, no drift, recovered. */
export function buildVerdict(v: VerdictInputs): FaultVerdict {
  const failures = [...v.failures];
  const feeds: RawFeed[] = ['blocks', 'transactions', 'prices'];
  const expected = Object.fromEntries(feeds.map((f) => [f, v.recount?.feeds[f].unique ?? 0])) as PerFeed;
  const found = {
    blocks: v.audit?.indices.blocks.found ?? 0,
    transactions: v.audit?.indices.transactions.found ?? 0,
    prices: v.audit?.indices.prices.found ?? 0,
  };
  const lostBeforeKafka = feeds.reduce((s, f) => s + Math.max(0, v.recorded[f] - expected[f]), 0);
  const notRecorded = feeds.reduce((s, f) => s + Math.max(0, expected[f] - v.recorded[f]), 0);
  const missingDocs = feeds.reduce((s, f) => s + (expected[f] - found[f]), 0);
  const { twice, under } = aggregateDrift(v.audit?.differences ?? []);
  const drift = v.audit === null ? 0 : Object.values(v.audit.indices).reduce((s, t) => s + t.missing + t.extra + t.mismatched, 0);
  const validDeadLettered = v.letters.filter((l) => l.validRecord).length;
  const reasoned = new Set(v.letters.filter((l) => l.reason !== '' && l.key !== null).map((l) => l.key as string));
  const poison = v.poisonKeys === null ? null : { injected: v.poisonKeys.length, deadLettered: v.poisonKeys.filter((k) => reasoned.has(k)).length };

  if (v.audit === null) failures.push('no audit (see above)');
  if (lostBeforeKafka > 0) failures.push(`${lostBeforeKafka} recorded events missing from the raw topics`);
  if (notRecorded > 0) failures.push(`${notRecorded} valid records in the raw topics that the recorded data does not hold`);
  if (missingDocs > 0) failures.push(`${missingDocs} documents missing from Elasticsearch`);
  if (twice > 0) failures.push(`${twice} aggregates counted twice (above the recount)`);
  if (under > 0) failures.push(`${under} aggregates short of the recount`);
  if (drift > 0) failures.push(`audit: ${drift} differences`);
  if (validDeadLettered > 0) failures.push(`${validDeadLettered} valid records dead-lettered`);
  if (poison !== null && poison.deadLettered < poison.injected) {
    const missing = (v.poisonKeys ?? []).filter((k) => !reasoned.has(k));
    failures.push(`${missing.length} poison records not dead-lettered: ${missing.join(', ')}`);
  }
  if (v.truth !== null && v.truth.length > 0) failures.push(`${v.truth.length} differences from the data set's expected results`);
  if (v.timings.recoverMs === null) failures.push('did not recover before the deadline');

  const examples = [...(v.audit?.differences ?? []).slice(0, 10).map(formatDifference), ...(v.truth ?? []).slice(0, 10)];
  return {
    scenario: v.scenario,
    namespace: v.namespace,
    dataDir: v.dataDir,
    rate: v.rate,
    fault: v.fault,
    recorded: v.recorded,
    expected,
    found,
    lost: lostBeforeKafka + Math.max(0, missingDocs),
    lostBeforeKafka,
    countedTwice: twice,
    undercounted: under,
    drift,
    deadLetters: v.letters.length,
    validDeadLettered,
    poison,
    truthDifferences: v.truth === null ? null : v.truth.length,
    ...v.timings,
    peakWorkerRssMb: Math.round(v.peakWorkerRssBytes / 1_048_576),
    pass: failures.length === 0,
    failures,
    examples,
  };
}

/** Aggregate documents whose count or sum is above (counted twice) or below the recount. */
function aggregateDrift(differences: readonly Difference[]): { twice: number; under: number } {
  const twice = new Set<string>();
  const under = new Set<string>();
  for (const d of differences) {
    if (d.kind === 'missing' && AGGREGATES.has(d.index)) under.add(`${d.index}/${d.id}`);
    if (d.kind !== 'mismatch' || !AGGREGATES.has(d.index) || !COUNT_FIELDS.has(d.field)) continue;
    if (typeof d.expected !== 'number' || typeof d.found !== 'number') continue;
    (d.found > d.expected ? twice : under).add(`${d.index}/${d.id}`);
  }
  return { twice: twice.size, under: under.size };
}
