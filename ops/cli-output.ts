import type { RetryTransientOptions } from '../pipeline/clients/transient-retry.js';
import { RefusalError, UsageError } from './usage-error.js';

/** One line to stderr, for the operator. */
export function warn(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** `onRetry` of `retryTransient` for commands: one line per retry naming the service error and the time left. */
export const reportRetry: NonNullable<RetryTransientOptions['onRetry']> = ({ what, err, attempt, delayMs, remainingMs }) => {
  const e = err as { name?: string; message?: string };
  warn(
    `${what}: ${e.name ?? 'Error'}: ${e.message ?? String(err)} (transient; retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s, giving up in ${Math.round(remainingMs / 1000)} s)`,
  );
};

/**
 * Ends an operator command on `err`: a refusal (running consumers) or a usage problem prints its
 * message and exits 2; anything else prints the error and exits 1.
 */
export function exitOnError(err: unknown, usage?: string): never {
  if (err instanceof RefusalError) {
    warn(`refused: ${err.message}\nstop them first (npx pm2 stop topology-worker) and run the command again`);
    process.exit(2);
  }
  if (err instanceof UsageError) {
    warn(usage === undefined ? err.message : `${err.message}\n${usage}`);
    process.exit(2);
  }
  const e = err as { name?: string; message?: string; cause?: unknown };
  warn(`failed: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`);
  if (e.cause instanceof Error) warn(`  cause: ${e.cause.name}: ${e.cause.message}`);
  process.exit(1);
}
