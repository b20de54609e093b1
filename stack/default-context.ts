import { createLogger } from '../pipeline/runtime/index.js';
import type { StackContext } from './context.js';
import { stackPaths } from './paths.js';

/** The context of this checkout's stack, logging at `level` (default warn, for tests and scripts). */
export function defaultStackContext(level = 'warn'): StackContext {
  return { paths: stackPaths(), log: createLogger({ name: 'stack', level }) };
}
