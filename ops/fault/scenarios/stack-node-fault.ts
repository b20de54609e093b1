import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceKind } from '../../../stack/layout.js';
import { startNode, stopNode } from '../../../stack/nodes.js';
import { whileFaulty } from '../fault-scenario.js';

/** Time a node may take to answer again: three Elasticsearch nodes starting at once on 2 busy cores take minutes. */
const RESTART_TIMEOUT_MS = 600_000;

/**
 * SIGKILLs nodes of the local stack (`stack/nodes.ts`, as `npm run stack -- kill <node> -9`),
 * waits `seconds`, starts them again (together) and waits until they answer; they are started
 * again even when something fails or the command is interrupted. Returns the report line.
 */
export async function killNodesFor(kind: ServiceKind, indices: readonly number[], seconds: number, note: (step: string) => void): Promise<string> {
  const killed: string[] = [];
  let restartMs = 0;
  const restart = async () => {
    const started = Date.now();
    await Promise.all(indices.map((i) => startNode(kind, i, { timeoutMs: RESTART_TIMEOUT_MS })));
    restartMs = Date.now() - started;
    note(`${kind} ${indices.join(', ')} answering again`);
  };
  await whileFaulty(async () => {
    for (const i of indices) {
      const pid = await stopNode(kind, i, { signal: 'SIGKILL' });
      killed.push(`${kind === 'redis' ? 'redis' : `${kind}-${i}`}${pid === undefined ? ' (was not running)' : ` (pid ${pid})`}`);
      note(`SIGKILL ${killed.at(-1) ?? ''}`);
    }
    await sleep(seconds * 1000);
  }, restart);
  return `SIGKILL ${killed.join(', ')}; started again after ${seconds} s, answering ${(restartMs / 1000).toFixed(0)} s later`;
}
