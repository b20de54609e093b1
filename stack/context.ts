import type { Logger } from '../pipeline/runtime/index.js';
import type { StackPaths } from './paths.js';

/** What every stack operation needs: where things live and where to log. */
export interface StackContext {
  paths: StackPaths;
  log: Logger;
}
