import { createTaskSelector, type TaskSelector } from './grouping.js';
import type { Topology } from './topology-definition.js';
import type { LocalTasks, TaskAddress } from './transport.js';
import type { Values } from './types.js';

/** Finds the bolt tasks that receive a tuple emitted by a component on a stream. */
export class Router {
  private readonly routes = new Map<string, { component: string; selector: TaskSelector }[]>();

  constructor(topology: Topology, local: LocalTasks) {
    for (const bolt of topology.bolts.values()) {
      for (const sub of bolt.subscriptions) {
        const key = `${sub.source}\u0000${sub.stream}`;
        const selector = createTaskSelector(sub.grouping, {
          taskCount: bolt.parallelism,
          localTasks: () => local.localTasks(bolt.id),
        });
        this.routes.set(key, [...(this.routes.get(key) ?? []), { component: bolt.id, selector }]);
      }
    }
  }

  /** Target tasks of one tuple (empty when nothing subscribes to the stream). */
  route(source: string, stream: string, values: Readonly<Values>): TaskAddress[] {
    const routes = this.routes.get(`${source}\u0000${stream}`);
    if (!routes) return [];
    const out: TaskAddress[] = [];
    for (const r of routes) for (const task of r.selector.select(values)) out.push({ component: r.component, task });
    return out;
  }
}
