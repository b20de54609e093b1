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
 *   processed, pool, reward, subsidy, fees, tx_count, previous_hash, bits (empty for version 1
 *   events); `orphan` = '1' while the block is off the best chain (absent or '0': counted; a
 *   block known only from its transactions counts until its block event decides), `srev` = how
 *   many times its status flipped (part of its documents' versions)
 * - `p..'block:'..hash..':txs'` HASH txid -> `index|sats|outputs` (the idempotence memory)
 * - `p..'chain:heights'` ZSET block hash by height (blocks whose block event is processed: the
 *   input of the best-chain rule); `p..'chain:rev'` counter of changes to it or to any status
 *   (compare-and-set of the block script)
 * - `p..'tx'` HASH txid -> `rev|counted|home|hash,hash...`: the blocks that contain the txid, the
 *   home its document shows (the counted block with the lowest height then hash; if none counts,
 *   the lowest of all, and the document says `orphaned`) and how many times the home changed
 * - `p..'hour:'..hour` HASH per block: `n:`hash, `sat:`hash (non-coinbase count and output sum),
 *   `max:`hash = `sats|index|txid` (largest non-coinbase tx, ties: earlier index);
 *   `p..'hour:'..hour..':blocks'` SET of its blocks (orphans included; snapshots skip them, so the
 *   largest transaction of the hour is recomputed from the counted blocks' own largest)
 * - `p..'day:'..day`, `p..'month:'..month` HASH block hash -> pool
 * - `p..'revs'` HASH aggregate key -> revision (the external version of its document)
 * - `p..'dirty'` ZSET aggregate key -> time (ms) from which it may be rendered (0: now)
 * Aggregate keys: `hour|<hour>`, `day|<day>|<pool>`, `month|<month>|<pool>`.
 * Numbers cross the boundary as strings (never `tonumber` for sums: HINCRBY is exact to 2^63).
 */

const PRELUDE = `
local p = ARGV[1]
-- Reads of state the running script does not change, memoised: scripts that only add
-- transactions or only read set it to a table (a batch of a block's transactions then reads the
-- block and its price once); scripts that change statuses or prices leave it off.
local memo = false
local function price_at(pair, t)
  local k = 'p' .. pair .. '|' .. t
  if memo and memo[k] ~= nil then return memo[k] end
  local r = redis.call('ZREVRANGEBYSCORE', p .. 'prices:' .. pair, t, '-inf', 'LIMIT', 0, 1)
  local v = false
  if #r > 0 then v = r[1] .. '|' .. redis.call('HGET', p .. 'prices:' .. pair .. ':points', r[1]) end
  if memo then memo[k] = v end
  return v
end
local touched = {}
-- Marks an aggregate changed: a new revision and dirty (once per script when memoised: one
-- script is one atomic change).
local function touch(agg)
  table.insert(touched, agg)
  if memo then
    if memo['t' .. agg] then return end
    memo['t' .. agg] = true
  end
  redis.call('HINCRBY', p .. 'revs', agg, 1)
  redis.call('ZADD', p .. 'dirty', 0, agg)
end
local function block_field(hash, field)
  local k = field .. hash
  if memo and memo[k] ~= nil then return memo[k] end
  local v = redis.call('HGET', p .. 'block:' .. hash, field) or false
  if memo then memo[k] = v end
  return v
end
local function counted(hash)
  return block_field(hash, 'orphan') ~= '1'
end
local function parse_tx(entry)
  return string.match(entry, '^(%d+)|(%d)|(%x*)|(.*)$')
end
-- The home of a txid among the blocks in list: counted first, then lower height, then lower hash.
local function home_of(list)
  local best, best_h, best_c = false, 0, false
  for hash in string.gmatch(list, '[^,]+') do
    local c = counted(hash)
    local h = tonumber(block_field(hash, 'height')) or 0
    if not best or (c and not best_c) or (c == best_c and (h < best_h or (h == best_h and hash < best))) then
      best, best_h, best_c = hash, h, c
    end
  end
  return best, best_c
end
-- Recomputes a txid's home after it was seen in block 'add' (or false) or a status changed;
-- the revision grows when the home or its counted flag changes. Returns home, counted, rev.
local function rehome(txid, add, fallback)
  if add and not fallback then
    -- A txid seen for the first time: its one block is its home, at revision 0.
    local c = counted(add)
    local flag = '0'
    if c then flag = '1' end
    if redis.call('HSETNX', p .. 'tx', txid, '0|' .. flag .. '|' .. add .. '|' .. add) == 1 then return add, c, '0' end
  end
  local cur = redis.call('HGET', p .. 'tx', txid)
  local rev, flag, home, list = '0', '', '', fallback or ''
  if cur then rev, flag, home, list = parse_tx(cur) end
  if add and not string.find(',' .. list .. ',', ',' .. add .. ',', 1, true) then
    if list == '' then list = add else list = list .. ',' .. add end
  end
  local h, c = home_of(list)
  local nflag = '0'
  if c then nflag = '1' end
  if cur and (h ~= home or nflag ~= flag) then rev = tostring(tonumber(rev) + 1) end
  local v = rev .. '|' .. nflag .. '|' .. h .. '|' .. list
  if v ~= cur then redis.call('HSET', p .. 'tx', txid, v) end
  return h, c, rev
end
-- A document row (see tx_doc) from what the caller already knows: home, counted, rev and the
-- home's \`index|sats|outputs\` entry (read when not given).
local function doc_row(txid, home, c, rev, entry)
  local time = block_field(home, 'time')
  local c01 = 0
  if c then c01 = 1 end
  return { home, block_field(home, 'height'), time, entry or redis.call('HGET', p .. 'block:' .. home .. ':txs', txid), c01, rev, price_at(ARGV[2], time) }
end
-- What a transaction document is rendered from: home, height, time, index|sats|outputs, counted, rev, price.
local function tx_doc(txid, fallback)
  local cur = redis.call('HGET', p .. 'tx', txid)
  if cur then
    local r, flag, h = parse_tx(cur)
    return doc_row(txid, h, flag == '1', r)
  end
  return doc_row(txid, fallback, counted(fallback), '0')
end
-- Sets a block's status; on a change touches its aggregates, re-homes its txids and returns true.
local function set_status(hash, orphan)
  local bkey = p .. 'block:' .. hash
  local was = redis.call('HGET', bkey, 'orphan') == '1'
  if was == (orphan == '1') then return false end
  redis.call('HSET', bkey, 'orphan', orphan)
  redis.call('HINCRBY', bkey, 'srev', 1)
  local f = redis.call('HMGET', bkey, 'hour', 'day', 'month', 'pool')
  if f[1] then touch('hour|' .. f[1]) end
  if f[4] then
    touch('day|' .. f[2] .. '|' .. f[4])
    touch('month|' .. f[3] .. '|' .. f[4])
  end
  for _, txid in ipairs(redis.call('HKEYS', bkey .. ':txs')) do rehome(txid, false, hash) end
  return true
end
`;

/**
 * Confirmed transactions, applied in order as if each were its own script (one EVALSHA per
 * batch). ARGV: prefix, pair, then one argument per transaction, its 11 fields joined by `|`:
 * txid, block hash, height, time, hour, day, month, index, sats, outputs, coinbase (1/0). Counts
 * each once in its block's part of the hour (whatever the block's status: snapshots skip
 * orphans) and adds the block to the txid's blocks. Returns one string per transaction, its
 * lines: new (1/0), the document row (see tx_doc) without its price, the number of aggregates it
 * touched, those aggregates, then the price (empty when none; last, as it may hold anything).
 * One argument and one flat string per transaction, not 11 arguments and nested arrays: the
 * client encodes and parses a twelfth as many values.
 * The hour's per-block count, sum and largest transaction are accumulated over the batch and
 * written once per (hour, block) at the end: nothing in the script reads them in between, so the
 * result is the one of one script per transaction (a sum is flushed before it could pass 2^53,
 * where Lua's numbers stop being exact integers).
 * Per transaction the script builds only its entry and reply: what a block's transactions share
 * (keys, height, time, price, the hour's aggregate key) is built once per block and script, and a
 * txid seen for the first time is stored with one HSETNX instead of a read, a parse of its blocks
 * and a write. Measured on a scratch Redis with 50,000 transactions in batches of 200: 23-25 µs of
 * Redis CPU a transaction before, 14-16 after (a loop that only parses each argument and runs
 * HSETNX, HGET and HSET for it: 15-18).
 */
export const APPLY_TRANSACTIONS = `${PRELUDE}
memo = {}
local EXACT = 9007199254740992
local blocks = {}
local order = {}
local hour_aggs = {}
-- The batch's block hash: the first of its transactions records the block's facts and hour;
-- what its documents read (height, time, counted, price) is kept for the others.
local function block_of(hash, height, time, hour, day, month)
  local b = blocks[hash]
  if b then return b, false end
  local bkey = p .. 'block:' .. hash
  redis.call('HSET', bkey, 'height', height, 'time', time, 'hour', hour, 'day', day, 'month', month)
  redis.call('ZADD', p .. 'blocks:by-time', time, hash)
  b = { txs = bkey .. ':txs', height = height, time = time, parts = {}, in_new_hour = redis.call('SADD', p .. 'hour:' .. hour .. ':blocks', hash) == 1 }
  blocks[hash] = b
  return b, true
end
-- The batch's pending part of block b in hour: { n, sat, max or false (with its sats ms and
-- index mi as numbers), max changed }.
local function part_of(b, hour, hash)
  local t = b.parts[hour]
  if not t then
    local hkey = p .. 'hour:' .. hour
    t = { hkey = hkey, hash = hash, n = 0, sat = 0, max = redis.call('HGET', hkey, 'max:' .. hash) or false, dirty = false }
    if t.max then
      local cs, ci = string.match(t.max, '^(%d+)|(%d+)|')
      t.ms, t.mi = tonumber(cs), tonumber(ci)
    end
    b.parts[hour] = t
    table.insert(order, t)
  end
  return t
end
local function flush_sum(t)
  if t.sat > 0 then redis.call('HINCRBY', t.hkey, 'sat:' .. t.hash, string.format('%.0f', t.sat)) end
  t.sat = 0
end
-- Marks the hour changed (once per script, as touch does) and returns its aggregate key.
local function touch_hour(hour)
  local agg = hour_aggs[hour]
  if not agg then
    agg = 'hour|' .. hour
    hour_aggs[hour] = agg
    touch(agg)
  end
  return agg
end
-- Applies one transaction and returns its reply line (see the comment above the script).
local function apply(txid, hash, height, time, hour, day, month, index, sats, outputs, coinbase)
  local b, first = block_of(hash, height, time, hour, day, month)
  local changed = first and b.in_new_hour
  local entry = index .. '|' .. sats .. '|' .. outputs
  local new = redis.call('HSETNX', b.txs, txid, entry)
  if new == 1 and coinbase == '0' then
    local t = part_of(b, hour, hash)
    local s, i = tonumber(sats), tonumber(index)
    t.n = t.n + 1
    if t.sat + s >= EXACT then flush_sum(t) end
    t.sat = t.sat + s
    if not t.max or s > t.ms or (s == t.ms and i < t.mi) then
      t.max, t.ms, t.mi = sats .. '|' .. index .. '|' .. txid, s, i
      t.dirty = true
    end
    changed = true
  end
  local touched = '0'
  if changed then touched = '1\\n' .. touch_hour(hour) end
  local home, c, rev = rehome(txid, hash, false)
  local c01 = '0'
  if c then c01 = '1' end
  -- The entry just written is the home's when the txid is new in its only block.
  if new == 1 and home == hash then
    if b.price == nil then b.price = price_at(ARGV[2], b.time) end
    return '1\\n' .. hash .. '\\n' .. b.height .. '\\n' .. b.time .. '\\n' .. entry .. '\\n' .. c01 .. '\\n' .. rev .. '\\n' .. touched .. '\\n' .. (b.price or '')
  end
  local row = doc_row(txid, home, c, rev, nil)
  return new .. '\\n' .. row[1] .. '\\n' .. row[2] .. '\\n' .. row[3] .. '\\n' .. row[4] .. '\\n' .. c01 .. '\\n' .. rev .. '\\n' .. touched .. '\\n' .. (row[7] or '')
end
local FIELDS = '^(%x+)|(%x+)|(%d+)|(%d+)|([^|]+)|([^|]+)|([^|]+)|(%d+)|(%d+)|(%d+)|([01])$'
-- Every argument is parsed before the first write: a malformed one changes nothing.
local txs = {}
for i = 3, #ARGV do
  local f = { string.match(ARGV[i], FIELDS) }
  if #f ~= 11 then return redis.error_reply('malformed transaction argument ' .. (i - 2)) end
  txs[i - 2] = f
end
local out = {}
for i, f in ipairs(txs) do out[i] = apply(unpack(f)) end
for _, t in ipairs(order) do
  if t.n > 0 then redis.call('HINCRBY', t.hkey, 'n:' .. t.hash, t.n) end
  flush_sum(t)
  if t.dirty then redis.call('HSET', t.hkey, 'max:' .. t.hash, t.max) end
end
return out
`;

/**
 * A block and the statuses the best-chain rule gives the blocks around it. ARGV: prefix, pair,
 * hash, height, time, hour, day, month, pool, reward, subsidy, fees, tx_count, previous_hash,
 * bits ('' if unknown), expected chain revision, then pairs (hash, '1' orphan / '0' counted).
 * If the chain changed since the caller read it (revision differs), changes nothing and returns
 * `{ 'retry' }`. The first event of a block fixes its facts (a replay changes nothing); every
 * status change touches the block's hour, day and month and re-homes its transactions, all in
 * this one script. Returns `{ new (1/0), pool, reward, subsidy, fees, tx_count, previous_hash,
 * orphan, srev, price or false, touched aggregates, blocks whose status changed }`.
 */
export const APPLY_BLOCK = `${PRELUDE}
local hash, height, time = ARGV[3], ARGV[4], ARGV[5]
local hour, day, month, pool = ARGV[6], ARGV[7], ARGV[8], ARGV[9]
if (redis.call('GET', p .. 'chain:rev') or '0') ~= ARGV[16] then return { 'retry' } end
local bkey = p .. 'block:' .. hash
redis.call('HSET', bkey, 'height', height, 'time', time, 'hour', hour, 'day', day, 'month', month)
redis.call('ZADD', p .. 'blocks:by-time', time, hash)
local new = redis.call('HSETNX', bkey, 'pool', pool)
local chain_changed = false
if new == 1 then
  redis.call('HSET', bkey, 'reward', ARGV[10], 'subsidy', ARGV[11], 'fees', ARGV[12], 'tx_count', ARGV[13], 'previous_hash', ARGV[14], 'bits', ARGV[15])
  redis.call('ZADD', p .. 'chain:heights', height, hash)
  chain_changed = true
  redis.call('SADD', p .. 'hour:' .. hour .. ':blocks', hash)
  touch('hour|' .. hour)
  redis.call('HSET', p .. 'day:' .. day, hash, pool)
  touch('day|' .. day .. '|' .. pool)
  redis.call('HSET', p .. 'month:' .. month, hash, pool)
  touch('month|' .. month .. '|' .. pool)
end
local flipped = {}
for i = 17, #ARGV, 2 do
  if set_status(ARGV[i], ARGV[i + 1]) then
    table.insert(flipped, ARGV[i])
    chain_changed = true
  end
end
if chain_changed then redis.call('INCR', p .. 'chain:rev') end
local f = redis.call('HMGET', bkey, 'pool', 'reward', 'subsidy', 'fees', 'tx_count', 'previous_hash', 'orphan', 'srev')
return { new, f[1], f[2], f[3], f[4], f[5], f[6], f[7] or '0', f[8] or '0', price_at(ARGV[2], time), touched, flipped }
`;

/**
 * The input of the best-chain rule from height ARGV[2] up, read in one snapshot. ARGV: prefix, min height.
 * Returns `{ chain revision, { hash, height, previous_hash, bits, orphan }... }`.
 */
export const READ_CHAIN = `
local p = ARGV[1]
local out = { redis.call('GET', p .. 'chain:rev') or '0' }
for _, hash in ipairs(redis.call('ZRANGEBYSCORE', p .. 'chain:heights', ARGV[2], '+inf')) do
  local f = redis.call('HMGET', p .. 'block:' .. hash, 'height', 'previous_hash', 'bits', 'orphan')
  table.insert(out, { hash, f[1], f[2], f[3] or '', f[4] or '0' })
end
return out
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
 * Returns `{ block HGETALL (flat), { document row (see tx_doc) per txid of the block }, price or false }`.
 */
export const SNAPSHOT_BLOCK = `${PRELUDE}
memo = {}
local bkey = p .. 'block:' .. ARGV[3]
local time = redis.call('HGET', bkey, 'time')
if not time then return { {}, {}, false } end
local txs = {}
for _, txid in ipairs(redis.call('HKEYS', bkey .. ':txs')) do
  local row = tx_doc(txid, ARGV[3])
  table.insert(row, 1, txid)
  table.insert(txs, row)
end
return { redis.call('HGETALL', bkey), txs, price_at(ARGV[2], time) }
`;

/**
 * Snapshot of an aggregate with its revision, counted blocks only. ARGV: prefix, pair, aggregate key.
 * Hour: `{ rev, { hash, height, n, sat, max, price }... }`;
 * day/month: `{ rev, { hash, reward, price }... }` for the pool's blocks.
 */
export const SNAPSHOT_AGGREGATE = `${PRELUDE}
memo = {}
local agg = ARGV[3]
local rev = redis.call('HGET', p .. 'revs', agg) or '0'
local out = { rev }
local kind, bucket, pool = string.match(agg, '^(%a+)|([^|]+)|?(.*)$')
if kind == 'hour' then
  local hkey = p .. 'hour:' .. bucket
  for _, hash in ipairs(redis.call('SMEMBERS', hkey .. ':blocks')) do
    local b = redis.call('HMGET', p .. 'block:' .. hash, 'height', 'time', 'orphan')
    if b[3] ~= '1' then
      local h = redis.call('HMGET', hkey, 'n:' .. hash, 'sat:' .. hash, 'max:' .. hash)
      table.insert(out, { hash, b[1], h[1] or '0', h[2] or '0', h[3] or false, price_at(ARGV[2], b[2]) })
    end
  end
else
  local members = redis.call('HGETALL', p .. kind .. ':' .. bucket)
  for i = 1, #members, 2 do
    if members[i + 1] == pool then
      local b = redis.call('HMGET', p .. 'block:' .. members[i], 'reward', 'time', 'orphan')
      if b[3] ~= '1' then table.insert(out, { members[i], b[1], price_at(ARGV[2], b[2]) }) end
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
