import { describe, expect, it } from 'vitest';
import { stackPids } from '../../../bench/cpu-meter.js';
import { compilerSeconds, JitMeter } from '../../../bench/jit-meter.js';
import { createElasticsearch } from '../../../pipeline/clients/elasticsearch.js';
import { loadConfig } from '../../../pipeline/config/config.js';

describe('JitMeter (the bench)', () => {
  it("finds the JIT compiler threads of the stack's JVMs and measures their share of the JVMs' CPU", async () => {
    const pids = stackPids();
    expect(pids.elasticsearch).toHaveLength(3);
    expect(pids.kafka).toHaveLength(3);
    // Every JVM has compiled code since it started.
    for (const pid of [...pids.elasticsearch, ...pids.kafka]) expect(compilerSeconds(pid)).toBeGreaterThan(0);
    const es = createElasticsearch(loadConfig());
    const meter = new JitMeter();
    meter.start();
    // Some requests, so that the JVMs use CPU between the readings.
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) await es.cluster.health();
    const share = meter.stop();
    await es.close();
    for (const kind of ['elasticsearch', 'kafka'] as const) {
      const s = share[kind];
      // Null only if no CPU tick fell between the readings; a share is a fraction either way.
      if (s !== null) {
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
      }
    }
    expect(share.elasticsearch).not.toBeNull();
  });
});
