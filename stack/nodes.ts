import { rmSync } from 'node:fs';
import type { StackContext } from './context.js';
import { defaultStackContext } from './default-context.js';
import { ensureElasticsearchInstalled } from './elasticsearch-install.js';
import { startEsNode } from './elasticsearch-node.js';
import { startKafkaBroker } from './kafka-broker.js';
import { ensureKafkaInstalled } from './kafka-install.js';
import { nodeSpec, type NodeSpec, type ServiceKind } from './layout.js';
import { findNodeProcess, nodeLogFile, nodePidFile } from './node-process.js';
import { nodeAnswers } from './probes.js';
import { isAlive, stopProcess } from './processes.js';
import { startRedis } from './redis-server.js';
import { StackError } from './stack-error.js';
import { waitUntil } from './wait-until.js';

/** Options of `startNode`. */
export interface StartNodeOptions {
  ctx?: StackContext;
  /** Wait until the node answers on its port (default true). */
  wait?: boolean;
  timeoutMs?: number;
}

/** What `startNode` found or did. */
export type StartOutcome = 'started' | 'running' | 'foreign';

/** Launches a node's process without waiting (installs what it needs first). */
export function launchNode(ctx: StackContext, node: NodeSpec): void {
  switch (node.kind) {
    case 'kafka':
      ensureKafkaInstalled(ctx);
      startKafkaBroker(ctx, node);
      return;
    case 'es':
      ensureElasticsearchInstalled(ctx);
      startEsNode(ctx, node);
      return;
    case 'redis':
      startRedis(ctx, node);
      return;
  }
}

/** Waits until a node answers on its port as the stack's node, with its log file in the error. */
export async function waitForNode(ctx: StackContext, node: NodeSpec, timeoutMs: number): Promise<void> {
  try {
    await waitUntil(() => nodeAnswers(node), { timeoutMs, intervalMs: 500, what: `${node.id} to answer on port ${node.port}` });
  } catch (err) {
    throw new StackError(`${node.id} did not become ready`, { service: node.id, hint: `see ${nodeLogFile(ctx, node)}`, cause: err });
  }
}

/**
 * Starts one node of the local stack (e.g. `startNode('kafka', 2)` after a fault-injection kill).
 * A node that already runs is left alone; a port held by something that is not the stack's node fails.
 */
export async function startNode(kind: ServiceKind, index: number, options: StartNodeOptions = {}): Promise<StartOutcome> {
  const ctx = options.ctx ?? defaultStackContext();
  const node = nodeSpec(kind, index);
  const found = findNodeProcess(ctx, node);
  if (found.pid !== undefined) return 'running';
  if (found.listening) {
    if (await nodeAnswers(node)) return 'foreign';
    throw new StackError(`port ${node.port} of ${node.id} is taken by another program (pid ${found.foreignPid ?? 'unknown'})`, {
      service: node.id,
      hint: 'stop that program or free the port',
    });
  }
  launchNode(ctx, node);
  if (options.wait ?? true) await waitForNode(ctx, node, options.timeoutMs ?? 180_000);
  return 'started';
}

/** Options of `stopNode`. */
export interface StopNodeOptions {
  ctx?: StackContext;
  /** SIGTERM (default: graceful, SIGKILL after `timeoutMs`) or SIGKILL (a crash, for fault injection). */
  signal?: NodeJS.Signals;
  timeoutMs?: number;
}

/**
 * Stops one node of this checkout's stack; returns the pid it stopped, or undefined when none ran.
 * Fails when the node's port is held by a process this checkout did not start.
 */
export async function stopNode(kind: ServiceKind, index: number, options: StopNodeOptions = {}): Promise<number | undefined> {
  const ctx = options.ctx ?? defaultStackContext();
  const node = nodeSpec(kind, index);
  const { pid, listening, foreignPid } = findNodeProcess(ctx, node);
  if (pid === undefined && listening) {
    // Restarting it from this checkout would use other data (for Kafka another cluster id).
    throw new StackError(`${node.id} runs (pid ${foreignPid ?? 'unknown'}) but was not started by this checkout`, {
      service: node.id,
      hint: 'stop or kill it from the checkout that started the stack',
    });
  }
  if (pid === undefined) return undefined;
  await stopProcess(pid, { signal: options.signal ?? 'SIGTERM', timeoutMs: options.timeoutMs ?? 30_000 });
  if (!isAlive(pid)) rmSync(nodePidFile(ctx, node), { force: true });
  return pid;
}
