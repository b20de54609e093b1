import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CpuProfiler, type CpuProfile } from '../../../pipeline/runtime/cpu-profiler.js';
import { type MetricsServer, startMetricsServer } from '../../../pipeline/runtime/metrics-server.js';
import { RuntimeMetrics } from '../../../pipeline/runtime/metrics.js';

// A real HTTP server on a free port of the loopback, in this process: what a worker serves.
const log = pino({ level: 'silent' });
let server: MetricsServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(profiler?: CpuProfiler): Promise<(path: string) => Promise<Response>> {
  server = await startMetricsServer(new RuntimeMetrics('topo', 'w1'), 0, log, profiler === undefined ? {} : { profiler });
  const port = server.port;
  return (path) => fetch(`http://127.0.0.1:${port}${path}`);
}

describe('the metrics server', () => {
  it('serves the metrics as Prometheus text and as JSON', async () => {
    const get = await start();
    const text = await (await get('/metrics')).text();
    expect(text).toContain('# TYPE storm_capacity gauge');
    const json = (await (await get('/metrics.json')).json()) as { topology: string; workerId: string };
    expect(json).toMatchObject({ topology: 'topo', workerId: 'w1' });
  });

  it('answers 404 to a CPU profile unless the worker runs with a profiler, and says how to turn it on', async () => {
    const get = await start();
    const res = await get('/debug/cpu-profile?seconds=1');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('the runtime option profilerEnabled');
  });

  it('profiles the process for the seconds asked and answers the V8 profile, one profile at a time', async () => {
    const get = await start(new CpuProfiler());
    const first = get('/debug/cpu-profile?seconds=1');
    // Work for the sampler to see while the first profile runs.
    const until = Date.now() + 300;
    let spin = 0;
    while (Date.now() < until) spin += Math.sqrt(spin + 1);
    expect(spin).toBeGreaterThan(0);
    const second = await get('/debug/cpu-profile?seconds=1');
    expect(second.status).toBe(409);
    const res = await first;
    expect(res.status).toBe(200);
    const profile = (await res.json()) as CpuProfile;
    expect(profile.nodes.some((n) => n.callFrame.functionName === '(root)')).toBe(true);
    expect(profile.samples?.length ?? 0).toBeGreaterThan(0);
    expect(profile.samples?.length).toBe(profile.timeDeltas?.length);
    expect(profile.endTime - profile.startTime).toBeGreaterThanOrEqual(900_000);
    // Once it ended, another may start.
    expect((await get('/debug/cpu-profile?seconds=1')).status).toBe(200);
  });

  it.each(['0', '1.5', 'ten', '301'])('refuses a profile of %s seconds with 400', async (seconds) => {
    const get = await start(new CpuProfiler());
    const res = await get(`/debug/cpu-profile?seconds=${seconds}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('1 to 300 whole seconds');
  });
});
