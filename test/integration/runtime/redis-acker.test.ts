import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../pipeline/config/config.js';
import { runtimeKeys } from '../../../pipeline/runtime/keys.js';
import { RedisAcker } from '../../../pipeline/runtime/redis-acker.js';
import { newTupleId, xorIds } from '../../../pipeline/runtime/tuple-id.js';
import { WorkerRegistry } from '../../../pipeline/runtime/worker-registry.js';

const config = loadConfig();
const topology = `rt-it-acker-${randomBytes(4).toString('hex')}`;
const keys = runtimeKeys(topology);
const redis = new Redis(config.redis.url);
const blocking = new Redis(config.redis.url);

afterAll(async () => {
  const found = await redis.keys(keys.pattern);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
  blocking.disconnect();
});

describe('RedisAcker (Lua)', () => {
  const acker = new RedisAcker(redis, keys, 60_000);

  it('completes a tree exactly when its XOR reaches zero, with ids whose halves have the high bit set', async () => {
    const [s, c1, c2] = ['ffffffff80000001', '8000000000000000', newTupleId()];
    await acker.init([{ root: 'aaaaaaaaaaaaaaaa', owner: 'w1', xor: s }]);
    await acker.ack([{ root: 'aaaaaaaaaaaaaaaa', xor: c1 }]);
    await acker.ack([{ root: 'aaaaaaaaaaaaaaaa', xor: xorIds(s, xorIds(c1, c2)) }]);
    expect(await acker.takeCompletions('w1', 10)).toEqual([]);
    // An update keeps the tree's lifetime (a bound on what a dead owner leaves behind).
    const ttl = await redis.pttl(keys.tree('aaaaaaaaaaaaaaaa'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await acker.ack([{ root: 'aaaaaaaaaaaaaaaa', xor: c2 }]);
    expect(await acker.takeCompletions('w1', 10)).toEqual([{ root: 'aaaaaaaaaaaaaaaa', ok: true }]);
    expect(await redis.exists(keys.tree('aaaaaaaaaaaaaaaa'))).toBe(0);
  });

  it('reports failures with their details to the owner and ignores acks of failed or forgotten trees', async () => {
    const failure = { component: 'b', task: 2, errorName: 'NonRetriableError', message: 'bad: data', retriable: false };
    const [r1, r2, t] = [newTupleId(), newTupleId(), newTupleId()];
    await acker.init([
      { root: r1, owner: 'w2', xor: t },
      { root: r2, owner: 'w2', xor: t },
    ]);
    await acker.fail([r1], failure);
    await acker.forget([r2]);
    await acker.ack([
      { root: r1, xor: t },
      { root: r2, xor: t },
    ]);
    expect(await acker.takeCompletions('w2', 10)).toEqual([{ root: r1, ok: false, failure }]);
    expect(await redis.exists(keys.tree(r1), keys.tree(r2))).toBe(0);
  });

  it('folds the updates of one tree in one call: completes it when they cancel its value, not before', async () => {
    // A spout tuple s with one child c, itself with one child g, all acked in one batch.
    const [root, sp, c, g] = [newTupleId(), newTupleId(), newTupleId(), newTupleId()];
    await acker.init([{ root, owner: 'w4', xor: sp }]);
    // The first batch acks s (anchoring c) and c (anchoring g), but not g: not complete.
    await acker.ack([
      { root, xor: xorIds(sp, c) },
      { root, xor: xorIds(c, g) },
    ]);
    expect(await acker.takeCompletions('w4', 10)).toEqual([]);
    // Updates that cancel each other out (an id XORed twice) change nothing.
    await acker.ack([
      { root, xor: c },
      { root, xor: c },
    ]);
    expect(await acker.takeCompletions('w4', 10)).toEqual([]);
    await acker.ack([{ root, xor: g }]);
    expect(await acker.takeCompletions('w4', 10)).toEqual([{ root, ok: true }]);
    expect(await redis.exists(keys.tree(root))).toBe(0);
  });

  it('applies many updates in one call', async () => {
    const ids = Array.from({ length: 500 }, () => [newTupleId(), newTupleId()] as const);
    await acker.init(ids.map(([root, t]) => ({ root, owner: 'w3', xor: t })));
    await acker.ack(ids.map(([root, t]) => ({ root, xor: t })));
    const done = [...(await acker.takeCompletions('w3', 300)), ...(await acker.takeCompletions('w3', 300))];
    expect(done.map((d) => d.root).sort()).toEqual(ids.map(([root]) => root).sort());
  });
});

describe('RedisAcker completions with a wait', () => {
  const waiting = new RedisAcker(redis, keys, 60_000, { redis: blocking, timeoutMs: 2_000 });

  it('takes a report pushed while it waits, with the others pushed beside it', async () => {
    const trees = Array.from({ length: 3 }, () => [newTupleId(), newTupleId()] as const);
    await waiting.init(trees.map(([root, t]) => ({ root, owner: 'w5', xor: t })));
    const taking = waiting.takeCompletions('w5', 10);
    // The reports arrive while the pop is blocked: it takes one, then the rest without waiting.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await waiting.ack(trees.map(([root, t]) => ({ root, xor: t })));
    const done = await taking;
    expect(done.map((d) => d.root).sort()).toEqual(trees.map(([root]) => root).sort());
    expect(done.every((d) => d.ok)).toBe(true);
  });

  it('returns nothing once its wait is over without a report', async () => {
    const short = new RedisAcker(redis, keys, 60_000, { redis: blocking, timeoutMs: 150 });
    const started = performance.now();
    expect(await short.takeCompletions('w6', 10)).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('takes what is there without waiting', async () => {
    const [root, t] = [newTupleId(), newTupleId()];
    await waiting.init([{ root, owner: 'w7', xor: t }]);
    await waiting.ack([{ root, xor: t }]);
    expect(await waiting.takeCompletions('w7', 10)).toEqual([{ root, ok: true }]);
  });
});

describe('WorkerRegistry', () => {
  it('lists live workers and lets one worker at a time hold a task lease', async () => {
    const a = new WorkerRegistry(redis, keys, 'wa', 2_000);
    const b = new WorkerRegistry(redis, keys, 'wb', 2_000);
    await a.heartbeat({ host: 'h', port: 1, pid: 1 });
    const live = await b.heartbeat({ host: 'h', port: 2, pid: 2 });
    expect(live.sort()).toEqual(['wa', 'wb']);
    expect((await a.liveWorkers()).map((w) => w.port).sort()).toEqual([1, 2]);

    expect(await a.acquire('sum', 0)).toBe(true);
    expect(await b.acquire('sum', 0)).toBe(false);
    expect(await a.acquire('sum', 0)).toBe(true);
    expect(await b.renew('sum', 0)).toBe(false);
    await b.release('sum', 0);
    expect(await redis.get(keys.lease('sum', 0))).toBe('wa');
    await a.release('sum', 0);
    expect(await b.acquire('sum', 0)).toBe(true);

    await a.deregister();
    expect(await b.heartbeat({ host: 'h', port: 2, pid: 2 })).toEqual(['wb']);
  });
});
