import { execFileSync } from 'node:child_process';
import { StackError } from './stack-error.js';
import { which } from './prerequisites.js';

/** System user that runs Elasticsearch when the stack is started by root (Elasticsearch refuses root). */
export const ES_SERVICE_USER = 'btc-es';

/** Whether this process runs as root. */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Creates the Elasticsearch system user when missing (root only). */
export function ensureServiceUser(): void {
  try {
    execFileSync('id', ['-u', ES_SERVICE_USER], { stdio: 'ignore' });
    return;
  } catch {
    // missing: create it below
  }
  if (!which('useradd')) throw new StackError('useradd not found', { service: 'es', hint: `create a user named ${ES_SERVICE_USER}` });
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', ES_SERVICE_USER], { stdio: 'inherit' });
}

/** Gives the service user the node's directories. */
export function chownToServiceUser(paths: string[]): void {
  execFileSync('chown', ['-R', `${ES_SERVICE_USER}:${ES_SERVICE_USER}`, ...paths], { stdio: 'inherit' });
}

/** Wraps a command so that root runs it as the service user; other users run it as themselves. */
export function asServiceUser(command: string, args: string[]): { command: string; args: string[] } {
  if (!isRoot()) return { command, args };
  return { command: 'runuser', args: ['-u', ES_SERVICE_USER, '--', command, ...args] };
}
