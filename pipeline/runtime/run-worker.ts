import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { InvariantError } from './errors.js';
import type { Topology } from './topology-definition.js';

/** Options of `runWorker`. */
export interface RunWorkerOptions {
  config: Config;
  /** Unique id of this worker process; default `${hostname}-${pid}-${random}`. */
  workerId?: string;
  log?: Logger;
  /** Install SIGTERM/SIGINT handlers that drain and exit 0; default true. */
  handleSignals?: boolean;
}

/** A running worker. */
export interface WorkerHandle {
  readonly workerId: string;
  /** Port of `/metrics` and `/metrics.json`. */
  readonly metricsPort: number;
  /** Drains (stop fetching, wait for in-flight trees, commit), releases tasks and deregisters. */
  stop(): Promise<void>;
}

/** Starts a worker process hosting spout tasks and a share of the bolt tasks of `topology`. */
export async function runWorker(_topology: Topology, _options: RunWorkerOptions): Promise<WorkerHandle> {
  throw new InvariantError('runWorker is not implemented yet');
}
