import { LuaScript } from './lua-script.js';
import type { Redis } from 'ioredis';
import type { AckerInit, AckerStore, AckerUpdate, Completion } from './acker-store.js';
import type { RuntimeKeys } from './keys.js';
import type { FailureInfo } from './tuple-failure.js';
import { xorIds, ZERO_ID } from './tuple-id.js';

// A tree is one string key, `<xor: 16 hex digits><owner>`, with the message timeout as its TTL
// (a string is one SET or GET where a hash took HSET + PEXPIRE or HMGET: measured, 27 -> 16 µs of
// Redis time per tree from registration to completion). Lua's bit library XORs the two 32-bit
// halves. Keys are declared in KEYS; the owner's completion list is derived from ARGV[1] (its
// prefix), so the scripts assume one Redis node (no cluster), as the rest of the runtime does.
const INIT = `
local ttl = ARGV[1]
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[1 + i * 2] .. ARGV[i * 2], 'PX', ttl)
end
return #KEYS`;

const ACK = `
local prefix = ARGV[1]
local ttl = tonumber(ARGV[2])
local done = 0
for i, key in ipairs(KEYS) do
  local t = redis.call('GET', key)
  if t then
    local x = ARGV[2 + i]
    local h = bit.bxor(tonumber(string.sub(t, 1, 8), 16), tonumber(string.sub(x, 1, 8), 16))
    local l = bit.bxor(tonumber(string.sub(t, 9, 16), 16), tonumber(string.sub(x, 9, 16), 16))
    if h == 0 and l == 0 then
      redis.call('DEL', key)
      local list = prefix .. string.sub(t, 17)
      redis.call('RPUSH', list, 'a' .. string.sub(key, -16))
      redis.call('PEXPIRE', list, ttl)
      done = done + 1
    else
      redis.call('SET', key, bit.tohex(h) .. bit.tohex(l) .. string.sub(t, 17), 'KEEPTTL')
    end
  end
end
return done`;

const FAIL = `
local prefix = ARGV[1]
local ttl = tonumber(ARGV[2])
local n = 0
for _, key in ipairs(KEYS) do
  local t = redis.call('GET', key)
  if t then
    redis.call('DEL', key)
    local list = prefix .. string.sub(t, 17)
    redis.call('RPUSH', list, 'f' .. string.sub(key, -16) .. ARGV[3])
    redis.call('PEXPIRE', list, ttl)
    n = n + 1
  end
end
return n`;

/** The updates of each root XORed into one, in first-seen order; roots whose updates cancel out are left out. */
export function foldUpdates(updates: readonly AckerUpdate[]): Map<string, string> {
  const folded = new Map<string, string>();
  for (const u of updates) {
    const prior = folded.get(u.root);
    folded.set(u.root, prior === undefined ? u.xor : xorIds(prior, u.xor));
  }
  for (const [root, xor] of folded) if (xor === ZERO_ID) folded.delete(root);
  return folded;
}

const SCRIPTS = { init: new LuaScript(INIT), ack: new LuaScript(ACK), fail: new LuaScript(FAIL) };

/** A report of the completion list: `a<root>` (acked) or `f<root><failure JSON>`. */
function parseCompletion(item: string): Completion {
  const root = item.slice(1, 17);
  if (item[0] === 'a') return { root, ok: true };
  return { root, ok: false, failure: JSON.parse(item.slice(17)) as FailureInfo };
}

/**
 * How `takeCompletions` waits when there is none: a blocking pop (BLPOP) on a connection of its
 * own, for at most `timeoutMs`, so that an idle owner asks Redis a few times a second instead of
 * polling, and a completion is taken the moment it is pushed.
 */
export interface CompletionWait {
  /** Used for BLPOP only (a blocking command holds its connection). */
  redis: Redis;
  timeoutMs: number;
}

/** Redis-backed acker store: each call is one Lua script, so it applies atomically. */
export class RedisAcker implements AckerStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RuntimeKeys,
    /** Lifetime of records and completion lists, a bound on garbage left by dead workers. */
    private readonly ttlMs: number,
    /** Without it, `takeCompletions` returns at once when there is none. */
    private readonly wait?: CompletionWait,
  ) {}

  async init(entries: readonly AckerInit[]): Promise<void> {
    if (entries.length === 0) return;
    const argv: string[] = [String(this.ttlMs)];
    for (const e of entries) argv.push(e.owner, e.xor);
    await this.call(
      SCRIPTS.init,
      entries.map((e) => this.keys.tree(e.root)),
      argv,
    );
  }

  /**
   * Applies `updates` in one script, after folding the updates of each root into one (XOR is
   * associative: the tree ends with the same value). With operator chaining a tree's tuples are
   * mostly acked in one worker within one ack batch, so this sends about one update per tree
   * instead of one per tuple. A folded update of zero changes nothing (a tree at zero was already
   * completed and deleted), so it is not sent.
   */
  async ack(updates: readonly AckerUpdate[]): Promise<void> {
    const folded = foldUpdates(updates);
    if (folded.size === 0) return;
    const keys: string[] = [];
    const argv = [this.keys.donePrefix, String(this.ttlMs)];
    for (const [root, xor] of folded) {
      keys.push(this.keys.tree(root));
      argv.push(xor);
    }
    await this.call(SCRIPTS.ack, keys, argv);
  }

  async fail(roots: readonly string[], failure: FailureInfo): Promise<void> {
    if (roots.length === 0) return;
    await this.call(
      SCRIPTS.fail,
      roots.map((r) => this.keys.tree(r)),
      [this.keys.donePrefix, String(this.ttlMs), JSON.stringify(failure)],
    );
  }

  async forget(roots: readonly string[]): Promise<void> {
    if (roots.length === 0) return;
    await this.redis.del(...roots.map((r) => this.keys.tree(r)));
  }

  /** Takes up to `max` reports; when there is none, waits for the first one (`CompletionWait`). */
  async takeCompletions(owner: string, max: number): Promise<Completion[]> {
    const done = this.keys.done(owner);
    const items = await this.redis.lpop(done, max);
    if (items && items.length > 0) return items.map(parseCompletion);
    if (this.wait === undefined) return [];
    const first = await this.wait.redis.blpop(done, this.wait.timeoutMs / 1_000);
    if (first === null) return [];
    const rest = max > 1 ? ((await this.redis.lpop(done, max - 1)) ?? []) : [];
    return [first[1], ...rest].map(parseCompletion);
  }

  private async call(script: LuaScript, keys: string[], argv: string[]): Promise<void> {
    await script.run(this.redis, keys, argv);
  }
}
