import type { Logger } from 'pino';
import type { Recount } from '../raw-recount.js';
import type { LetterSummary } from './dead-letter-scan.js';
import type { PipelineUnderTest } from './pipeline-under-test.js';

/** Names of the scenarios of `npm run fault`. */
export const SCENARIO_NAMES = ['kill-worker', 'kill-broker', 'kill-es-node', 'es-outage', 'kill-redis', 'poison', 'clock', 'reorg'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** What a scenario gets to inject its fault. */
export interface FaultContext {
  pipeline: PipelineUnderTest;
  log: Logger;
  /** How long the fault lasts (`--seconds`, else the scenario's default). */
  seconds: number;
  /** Records a step of the fault as it happens (the report keeps it even when a later step fails). */
  note(step: string): void;
}

/** What the end state is checked with, besides the audit. */
export interface EndState {
  recount: Recount;
  letters: readonly LetterSummary[];
}

/** What a scenario did, once its fault is over. */
export interface FaultInjected {
  /** For the report, e.g. `SIGKILL kafka-2 (pid 123), started again after 30 s`. */
  description: string;
  /** Keys of records put into the raw topics on purpose that must all be dead-lettered (poison). */
  poisonKeys?: readonly string[];
  /** Valid records the fault itself makes the producers publish (a reorg's competing block). */
  addsRecords?: { blocks?: number; transactions?: number; prices?: number };
  /** True when the fault changes the chain itself (a reorg): the recorded ground truth no longer applies. */
  changesChain?: boolean;
  /** The scenario's own checks of the end state; each returned line is a failure. */
  check?: (state: EndState) => Promise<string[]> | string[];
}

/**
 * One fault. `inject` runs while data flows, returns once the fault is over (whatever it killed
 * runs again), and restores what it broke in a `finally` (and through `whileFaulty` on Ctrl-C)
 * even when it fails.
 */
export interface FaultScenario {
  name: ScenarioName;
  /** One line for the usage text and the runbook. */
  summary: string;
  /** Fault duration in seconds when `--seconds` is not given (0: instantaneous). */
  defaultSeconds: number;
  /**
   * Share of the recorded transactions processed (or published, with `injectOn`) before the
   * fault (default 0.3).
   */
  injectAt?: number;
  /**
   * What `injectAt` counts: transactions `processed` (committed by the topology; the default) or
   * `published` (in the raw topic). A fault on the producers needs them still publishing, which
   * only their own progress tells: at a high `--rate` they publish everything before the
   * topology has processed a few percent.
   */
  injectOn?: 'processed' | 'published';
  /** What this machine lacks to inject the fault, with the fix; null when nothing (checked before any run starts). */
  missing?(): string | null;
  inject(ctx: FaultContext): Promise<FaultInjected>;
}

const restorers = new Set<() => Promise<void>>();

/**
 * Runs `fault` with `restore` registered, then `restore` (in a finally). If the process is
 * interrupted meanwhile, `restoreAll` (the CLI's signal handler) runs it.
 */
export async function whileFaulty<T>(fault: () => Promise<T>, restore: () => Promise<void>): Promise<T> {
  restorers.add(restore);
  try {
    return await fault();
  } finally {
    restorers.delete(restore);
    await restore();
  }
}

/** Runs every pending restore action, the latest first (on SIGINT/SIGTERM). */
export async function restoreAll(): Promise<void> {
  const pending = [...restorers].reverse();
  restorers.clear();
  for (const restore of pending) await restore().catch(() => undefined);
}
