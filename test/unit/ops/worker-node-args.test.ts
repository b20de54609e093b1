import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { WORKER_NODE_ARGS } from '../../../ops/worker-processes.js';

const require = createRequire(import.meta.url);

describe('WORKER_NODE_ARGS', () => {
  it('are the node arguments pm2 gives the topology workers', () => {
    const ecosystem = require('../../../ecosystem.config.cjs') as { apps: { name: string; interpreter_args?: string }[] };
    const worker = ecosystem.apps.find((app) => app.name === 'topology-worker');
    expect(worker?.interpreter_args?.split(' ')).toEqual([...WORKER_NODE_ARGS]);
  });
});
