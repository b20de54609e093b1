import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceKind } from '../../../stack/layout.js';
import { startNode, stopNode } from '../../../stack/nodes.js';
import { whileFaulty } from '../fault-scenario.js';

/**
 * SIGKILLs nodes of the local stack (`stack/nodes.ts`, as `npm run stack -- kill <node> -9`),
 * waits `seconds`, starts them again (together) and waits until they answer; they are started
 * again even when something fails or the command is interrupted. Returns the report line.
 */
export async function killNodesFor(kind: ServiceKind, indices: readonly number[], seconds: number): Promise<string> {
  const killed: string[] = [];
  const restart = async () => {
    await Promise.all(indices.map((i) => startNode(kind, i)));
  };
  await whileFaulty(async () => {
    for (const i of indices) {
      const pid = await stopNode(kind, i, { signal: 'SIGKILL' });
      killed.push(`${kind === 'redis' ? 'redis' : `${kind}-${i}`}${pid === undefined ? ' (was not running)' : ` (pid ${pid})`}`);
    }
    await sleep(seconds * 1000);
  }, restart);
  return `SIGKILL ${killed.join(', ')}; started again after ${seconds} s`;
}
