import type { FaultScenario } from '../fault-scenario.js';

/** SIGKILL one topology worker; pm2 restarts it. */
export const killWorker: FaultScenario = {
  name: 'kill-worker',
  summary: 'SIGKILL a topology-worker mid-stream; pm2 restarts it',
  defaultSeconds: 0,
  async inject({ pipeline }) {
    const victim = pipeline.apps().find((a) => a.name === 'topology-worker' && a.status === 'online' && a.pid > 0);
    if (victim === undefined) throw new Error('no topology-worker online to kill');
    process.kill(victim.pid, 'SIGKILL');
    return { description: `SIGKILL topology-worker (pm2 id ${victim.pmId}, pid ${victim.pid}); pm2 restarts it` };
  },
};
