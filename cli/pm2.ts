import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Runs the project's pm2 CLI (default pm2 home) with `args`; throws when it fails. */
export function pm2(args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const bin = require.resolve('pm2/bin/pm2');
  const result = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`pm2 ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}
