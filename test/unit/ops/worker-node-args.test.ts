import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleWorker, WORKER_BUNDLE } from '../../../ops/worker-bundle.js';
import { WORKER_ENV, WORKER_NODE_ARGS } from '../../../ops/worker-processes.js';

const require = createRequire(import.meta.url);
const ecosystem = require('../../../ecosystem.config.cjs') as {
  apps: { name: string; script: string; interpreter_args?: string; env?: Record<string, string> }[];
};
const pm2Worker = ecosystem.apps.find((app) => app.name === 'topology-worker');

describe('the topology worker as pm2 and the operator commands start it', () => {
  it('gets the same node arguments (WORKER_NODE_ARGS) from pm2, without tsx', () => {
    expect(pm2Worker?.interpreter_args?.split(' ')).toEqual([...WORKER_NODE_ARGS]);
    expect(WORKER_NODE_ARGS.join(' ')).not.toContain('tsx');
  });

  it('gets the same environment defaults (WORKER_ENV) from pm2, unless the command that starts pm2 sets them', () => {
    for (const [key, value] of Object.entries(WORKER_ENV)) expect(pm2Worker?.env?.[key]).toBe(process.env[key] ?? value);
  });

  it('runs the bundle that bundleWorker writes, which holds all of the project code it needs', () => {
    expect(pm2Worker?.script).toBe(relative(process.cwd(), WORKER_BUNDLE));
    expect(bundleWorker()).toBe(WORKER_BUNDLE);
    const bundle = readFileSync(WORKER_BUNDLE, 'utf8');
    // Relative imports are bundled (only packages and node: built-ins stay imports); nothing reads
    // files next to a module, whose location the bundle does not keep.
    const imports = [...bundle.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    for (const specifier of imports) expect(specifier).not.toMatch(/^\.|\.ts$/);
    expect(bundle).not.toContain('import.meta');
    expect(bundle).toContain('topology worker started');
  });
});
