/**
 * Lua scripts of the analytics state. Each runs atomically in Redis, so a state change, the
 * price it is rendered with and the revision it gets are one snapshot: whatever order the
 * topics arrive in, a later state always renders with a version at least as high.
 *
 * Keys, all under the prefix `p` (ARGV[1]); the scripts build per-block and per-bucket keys
 * from it, so the state must live on one Redis instance (not a cluster):
 * - `p..'prices:'..pair` ZSET of point times; `..':points'` HASH t -> `price|source`
 * - `p..'blocks:by-time'` ZSET block hash by header time (every block seen by a block or tx event)
 * - `p..'block:'..hash` HASH height, time, hour, day, month and, once the block event is
 *   processed, pool, reward, subsidy, fees, tx_count, previous_hash
 * - `p..'block:'..hash..':txs'` HASH txid -> `index|sats|outputs` (the idempotence memory)
 * - `p..'hour:'..hour` HASH per block: `n:`hash, `sat:`hash (non-coinbase count and output sum),
 *   `max:`hash = `sats|index|txid` (largest non-coinbase tx, ties: earlier index);
 *   `p..'hour:'..hour..':blocks'` SET of its blocks
 * - `p..'day:'..day`, `p..'month:'..month` HASH block hash -> pool
 * - `p..'revs'` HASH aggregate key -> revision (the external version of its document)
 * - `p..'dirty'` ZSET aggregate key -> time (ms) from which it may be rendered (0: now)
 * Aggregate keys: `hour|<hour>`, `day|<day>|<pool>`, `month|<month>|<pool>`.
 * Numbers cross the boundary as strings (never `tonumber` for sums: HINCRBY is exact to 2^63).
 */

const PRELUDE = `
local p = ARGV[1]
local function price_at(pair, t)
  local r = redis.call('ZREVRANGEBYSCORE', p .. 'prices:' .. pair, t, '-inf', 'LIMIT', 0, 1)
  if #r == 0 then return false end
  return r[1] .. '|' .. redis.call('HGET', p .. 'prices:' .. pair .. ':points', r[1])
end
local touched = {}
local function touch(agg)
  redis.call('HINCRBY', p .. 'revs', agg, 1)
  redis.call('ZADD', p .. 'dirty', 0, agg)
  table.insert(touched, agg)
end
`;

/**
 * A confirmed transaction. ARGV: prefix, pair, txid, block hash, height, time, hour, day, month,
 * index, sats, outputs, coinbase (1/0). Returns `{ new (1/0), stored facts, price or false, touched aggregates }`.
 */
export const APPLY_TRANSACTION = `${PRELUDE}
local txid, hash, height, time = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local hour, day, month = ARGV[7], ARGV[8], ARGV[9]
local index, sats, outputs, coinbase = ARGV[10], ARGV[11], ARGV[12], ARGV[13]
local bkey = p .. 'block:' .. hash
redis.call('HSET', bkey, 'height', height, 'time', time, 'hour', hour, 'day', day, 'month', month)
redis.call('ZADD', p .. 'blocks:by-time', time, hash)
local hkey = p .. 'hour:' .. hour
local changed = redis.call('SADD', hkey .. ':blocks', hash) == 1
local new = redis.call('HSETNX', bkey .. ':txs', txid, index .. '|' .. sats .. '|' .. outputs)
if new == 1 and coinbase == '0' then
  redis.call('HINCRBY', hkey, 'n:' .. hash, 1)
  redis.call('HINCRBY', hkey, 'sat:' .. hash, sats)
  local cur = redis.call('HGET', hkey, 'max:' .. hash)
  local better = true
  if cur then
    local cs, ci = string.match(cur, '^(%d+)|(%d+)|')
    local s, c = tonumber(sats), tonumber(cs)
    better = s > c or (s == c and tonumber(index) < tonumber(ci))
  end
  if better then redis.call('HSET', hkey, 'max:' .. hash, sats .. '|' .. index .. '|' .. txid) end
  changed = true
end
if changed then touch('hour|' .. hour) end
return { new, redis.call('HGET', bkey .. ':txs', txid), price_at(ARGV[2], time), touched }
`;

/**
 * A block. ARGV: prefix, pair, hash, height, time, hour, day, month, pool, reward, subsidy, fees,
 * tx_count, previous_hash. The first event of a block fixes its facts (a replay changes nothing).
 * Returns `{ new (1/0), pool, reward, subsidy, fees, tx_count, previous_hash, price or false, touched aggregates }`.
 */
export const APPLY_BLOCK = `${PRELUDE}
local hash, height, time = ARGV[3], ARGV[4], ARGV[5]
local hour, day, month, pool = ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local bkey = p .. 'block:' .. hash
redis.call('HSET', bkey, 'height', height, 'time', time, 'hour', hour, 'day', day, 'month', month)
redis.call('ZADD', p .. 'blocks:by-time', time, hash)
local new = redis.call('HSETNX', bkey, 'pool', pool)
if new == 1 then
  redis.call('HSET', bkey, 'reward', ARGV[10], 'subsidy', ARGV[11], 'fees', ARGV[12], 'tx_count', ARGV[13], 'previous_hash', ARGV[14])
  redis.call('SADD', p .. 'hour:' .. hour .. ':blocks', hash)
  touch('hour|' .. hour)
  redis.call('HSET', p .. 'day:' .. day, hash, pool)
  touch('day|' .. day .. '|' .. pool)
  redis.call('HSET', p .. 'month:' .. month, hash, pool)
  touch('month|' .. month .. '|' .. pool)
end
local f = redis.call('HMGET', bkey, 'pool', 'reward', 'subsidy', 'fees', 'tx_count', 'previous_hash')
return { new, f[1], f[2], f[3], f[4], f[5], f[6], price_at(ARGV[2], time), touched }
`;

/**
 * A price point. ARGV: prefix, pair, t, price, source. A point already known (same pair and t)
 * changes no state (the first one wins). A new point re-prices the blocks with time in
 * [t, next known point): their hour and pool aggregates are marked dirty here. Those blocks'
 * hashes are returned in both cases, so that a replay after a crash between this script and the
 * document writes re-renders them (deterministic versions: a 409 where nothing was lost).
 * Returns `{ new (1/0), { hashes }, touched aggregates, stored `price|source` }`.
 */
export const APPLY_PRICE = `${PRELUDE}
local pair, t = ARGV[2], ARGV[3]
local pkey = p .. 'prices:' .. pair
local new = redis.call('HSETNX', pkey .. ':points', t, ARGV[4] .. '|' .. ARGV[5])
redis.call('ZADD', pkey, t, t)
local nxt = redis.call('ZRANGEBYSCORE', pkey, '(' .. t, '+inf', 'LIMIT', 0, 1)
local hi = '+inf'
if #nxt > 0 then hi = '(' .. nxt[1] end
local hashes = redis.call('ZRANGEBYSCORE', p .. 'blocks:by-time', t, hi)
local out = {}
for _, hash in ipairs(hashes) do
  if new == 1 then
    local f = redis.call('HMGET', p .. 'block:' .. hash, 'hour', 'day', 'month', 'pool')
    touch('hour|' .. f[1])
    if f[4] then
      touch('day|' .. f[2] .. '|' .. f[4])
      touch('month|' .. f[3] .. '|' .. f[4])
    end
  end
  table.insert(out, hash)
end
return { new, out, touched, redis.call('HGET', pkey .. ':points', t) }
`;

/**
 * Snapshot of a block for re-rendering. ARGV: prefix, pair, hash.
 * Returns `{ block HGETALL (flat), txs HGETALL (flat), price or false }`.
 */
export const SNAPSHOT_BLOCK = `${PRELUDE}
local bkey = p .. 'block:' .. ARGV[3]
local time = redis.call('HGET', bkey, 'time')
if not time then return { {}, {}, false } end
return { redis.call('HGETALL', bkey), redis.call('HGETALL', bkey .. ':txs'), price_at(ARGV[2], time) }
`;

/**
 * Snapshot of an aggregate with its revision. ARGV: prefix, pair, aggregate key.
 * Hour: `{ rev, { hash, height, n, sat, max, price }... }`;
 * day/month: `{ rev, { hash, reward, price }... }` for the pool's blocks.
 */
export const SNAPSHOT_AGGREGATE = `${PRELUDE}
local agg = ARGV[3]
local rev = redis.call('HGET', p .. 'revs', agg) or '0'
local out = { rev }
local kind, bucket, pool = string.match(agg, '^(%a+)|([^|]+)|?(.*)$')
if kind == 'hour' then
  local hkey = p .. 'hour:' .. bucket
  for _, hash in ipairs(redis.call('SMEMBERS', hkey .. ':blocks')) do
    local b = redis.call('HMGET', p .. 'block:' .. hash, 'height', 'time')
    local h = redis.call('HMGET', hkey, 'n:' .. hash, 'sat:' .. hash, 'max:' .. hash)
    table.insert(out, { hash, b[1], h[1] or '0', h[2] or '0', h[3] or false, price_at(ARGV[2], b[2]) })
  end
else
  local members = redis.call('HGETALL', p .. kind .. ':' .. bucket)
  for i = 1, #members, 2 do
    if members[i + 1] == pool then
      local b = redis.call('HMGET', p .. 'block:' .. members[i], 'reward', 'time')
      table.insert(out, { members[i], b[1], price_at(ARGV[2], b[2]) })
    end
  end
end
return out
`;

/**
 * Claims up to ARGV[4] dirty aggregates eligible at ARGV[2] (ms) by moving them ARGV[3] ms into
 * the future (a lease: if the claimer dies, they become eligible again). ARGV: prefix, now, lease, limit.
 */
export const CLAIM_DIRTY = `${PRELUDE}
local now, lease, limit = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local keys = redis.call('ZRANGEBYSCORE', p .. 'dirty', '-inf', now, 'LIMIT', 0, limit)
for _, k in ipairs(keys) do redis.call('ZADD', p .. 'dirty', now + lease, k) end
return keys
`;

/**
 * Clears a dirty aggregate once its document at revision ARGV[3] is in Elasticsearch, unless it
 * changed since (then it stays dirty). ARGV: prefix, aggregate key, rendered revision.
 */
export const CLEAR_DIRTY = `${PRELUDE}
if (redis.call('HGET', p .. 'revs', ARGV[2]) or '0') == ARGV[3] then
  return redis.call('ZREM', p .. 'dirty', ARGV[2])
end
return 0
`;
