import type { ClusterMetrics } from '../pipeline/runtime/index.js';
import type { ComponentCost } from './bench-results.js';
import { figureOf } from './figure.js';

/**
 * Where the time goes: each component's capacity (the largest share of the last 10 s any of its
 * tasks spent executing), its execute latency (median of its tasks' p50, largest p99) and the
 * tuples it executed, busiest first; idle components are left out (pure).
 */
export function componentCosts(metrics: ClusterMetrics): ComponentCost[] {
  const costs: ComponentCost[] = [];
  for (const [component, totals] of Object.entries(metrics.components)) {
    // Components that did nothing in this run (the block and price paths under a transaction load).
    if (totals.totals.executed === 0 && totals.maxCapacity === 0) continue;
    const tasks = metrics.workers.flatMap((w) => Object.values(w.components[component] ?? {}));
    costs.push({
      component,
      capacity: totals.maxCapacity,
      executeP50Ms: figureOf(tasks.map((t) => t.executeLatency.p50))?.median ?? null,
      executeP99Ms: figureOf(tasks.map((t) => t.executeLatency.p99))?.max ?? null,
      executed: totals.totals.executed,
    });
  }
  return costs.sort((a, b) => b.capacity - a.capacity || b.executed - a.executed || a.component.localeCompare(b.component));
}
