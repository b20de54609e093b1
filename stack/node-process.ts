import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StackContext } from './context.js';
import { esNodeFiles } from './elasticsearch-node.js';
import { kafkaBrokerFiles } from './kafka-broker.js';
import type { NodeSpec } from './layout.js';
import { isAlive, listenerPid, livePid } from './processes.js';
import { redisFiles } from './redis-server.js';

/** The pid file of a node. */
export function nodePidFile(ctx: StackContext, node: NodeSpec): string {
  switch (node.kind) {
    case 'kafka':
      return kafkaBrokerFiles(ctx, node).pidFile;
    case 'es':
      return esNodeFiles(ctx, node).pidFile;
    case 'redis':
      return redisFiles(ctx).pidFile;
  }
}

/** Where the node's own log is (the file to read when it misbehaves). */
export function nodeLogFile(ctx: StackContext, node: NodeSpec): string {
  switch (node.kind) {
    case 'kafka':
      return kafkaBrokerFiles(ctx, node).logFile;
    case 'es':
      return join(esNodeFiles(ctx, node).logsDir, 'btc-local.log');
    case 'redis':
      return redisFiles(ctx).logFile;
  }
}

function procText(pid: number, file: 'cmdline' | 'environ'): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Whether `pid` is this node's process of this checkout (guards against pid reuse after a crash). */
export function isNodeProcess(ctx: StackContext, node: NodeSpec, pid: number): boolean {
  const cmd = procText(pid, 'cmdline');
  if (node.kind === 'redis') return cmd.includes('redis-server') && cmd.includes(`:${node.port}`);
  const dir = join(ctx.paths.run, node.id);
  // Elasticsearch's command line does not name its config dir; its environment (ES_PATH_CONF) does.
  return cmd.includes(`${dir}/`) || procText(pid, 'environ').includes(`${dir}/`);
}

/** How a node's process was found. */
export interface NodeProcess {
  /** The pid of this checkout's process, from its pid file (stale files are removed). */
  pid?: number;
  /** The pid listening on the node's port when it is not ours (another checkout, another program). */
  foreignPid?: number;
  /** Whether anything listens on the node's port. */
  listening: boolean;
}

/** Finds the node's process: our pid file first, then whoever listens on its port. */
export function findNodeProcess(ctx: StackContext, node: NodeSpec): NodeProcess {
  const pidFile = nodePidFile(ctx, node);
  let pid = livePid(pidFile);
  if (pid !== undefined && !isNodeProcess(ctx, node, pid)) {
    // The pid was reused by an unrelated process after a crash: the file is stale.
    rmSync(pidFile, { force: true });
    pid = undefined;
  }
  const listener = listenerPid(node.port);
  const listening = listener !== undefined && isAlive(listener);
  if (pid !== undefined) return { pid, listening };
  return listening ? { foreignPid: listener, listening } : { listening: false };
}
