import { waitFor as poll } from '../../../support/wait-for.js';

/** The shared `waitFor` (test/support) in the what-first form these runtime tests read best with. */
export function waitFor<T>(what: string, condition: () => Promise<T> | T, timeoutMs: number, intervalMs = 200): Promise<NonNullable<T>> {
  return poll(condition, { what, timeoutMs, intervalMs });
}
