/**
 * The Redis side of RedisSemaphores. KEYS[1] is a sorted set of holders scored by lease
 * expiry; KEYS[2] a hash naming the epoch, the state the holders are counted under. The
 * channel (named like KEYS[1]) carries `free` when a slot comes free and `epoch:<id>` when
 * an epoch begins.
 */
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** How long a process counts as waiting after its last refused acquire (it retries far more often). */
export const WAITING_TTL_MS = 1000;

/**
 * KEYS: holders, epoch, waiting processes (a sorted set: process id → until when it waits).
 * ARGV: leaseMs, cap, holder, id for a new epoch, longest quiet period, channel, process id,
 * '1' if this holder has waited already, '1' if no other holder of this process waits.
 * 1 = acquired, 0 = full (the process is marked waiting), -1 = an epoch is still gathering its holders.
 *
 * A first attempt does not take a free slot while another process waits: a slot freed for all
 * goes to the waiters woken for it, not to whoever asks first, or a process whose jobs ask
 * again the moment they release would starve the others.
 *
 * No epoch means Redis has never seen this semaphore, or lost it (a flush, a failover
 * without persistence) while other processes may still be calling the ERP. A new epoch
 * therefore opens only once every process listening on the channel has put back the
 * slots it holds (or the quiet period ran out), so a lost set never lets the cap be passed.
 */
export const ACQUIRE = `${NOW}
local epoch = redis.call('HMGET', KEYS[2], 'id', 'open', 'need', 'acks', 'until')
if not epoch[1] then
  local need = redis.call('PUBLISH', ARGV[6], 'epoch:' .. ARGV[4])
  redis.call('HSET', KEYS[2], 'id', ARGV[4], 'open', need == 0 and 1 or 0, 'need', need, 'acks', 0, 'until', now + tonumber(ARGV[5]))
  redis.call('PEXPIRE', KEYS[2], 86400000)
  if need > 0 then return -1 end
elseif epoch[2] == '0' then
  if tonumber(epoch[4]) < tonumber(epoch[3]) and now < tonumber(epoch[5]) then return -1 end
  redis.call('HSET', KEYS[2], 'open', 1)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  local barging = false
  if ARGV[8] == '0' then
    for _, process in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], now, '+inf')) do
      if process ~= ARGV[7] then barging = true break end
    end
  end
  if not barging then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[3])
    if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) * 2 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2) end
    redis.call('PEXPIRE', KEYS[2], 86400000)
    if ARGV[9] == '1' then redis.call('ZREM', KEYS[3], ARGV[7]) end
    return 1
  end
end
redis.call('ZADD', KEYS[3], now + ${WAITING_TTL_MS}, ARGV[7])
redis.call('PEXPIRE', KEYS[3], 60000)
return 0`;

/**
 * ARGV: holder, channel, linger ms. Frees the slot and tells waiters everywhere; or, with a
 * linger, shortens the holder's lease to that (never lengthens it) and lets it run out.
 */
export const RELEASE = `${NOW}
local linger = tonumber(ARGV[3])
if linger > 0 then
  local lease = redis.call('ZSCORE', KEYS[1], ARGV[1])
  if lease and now + linger < tonumber(lease) then redis.call('ZADD', KEYS[1], 'XX', now + linger, ARGV[1]) end
  return 0
end
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then redis.call('PUBLISH', ARGV[2], 'free') end
return 0`;

/**
 * KEYS: holders, waiting processes. ARGV: holder, next holder, its leaseMs, channel, process id.
 * The releasing process hands its slot straight to one of its own waiters, in one step, so the
 * ERP gets its next call without a round of messages. Only while no other process waits: then
 * the slot is freed for all as RELEASE does (0), so no process keeps the slots to itself.
 * 1 = handed over, 0 = freed, -1 = the holder held nothing (lost with Redis).
 */
export const HANDOFF = `${NOW}
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return -1 end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
for _, process in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if process ~= ARGV[5] then
    redis.call('PUBLISH', ARGV[4], 'free')
    return 0
  end
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) * 2 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2) end
return 1`;

/**
 * ARGV: epoch id (answering its announcement) or '' (after a reconnect), channel, then
 * holder and remaining lease ms pairs. Puts this process's holders back and, for the
 * epoch it answers, counts this process as heard.
 */
export const REJOIN = `${NOW}
local current = redis.call('HGET', KEYS[2], 'id')
if not current or (ARGV[1] ~= '' and current ~= ARGV[1]) then return 0 end
local longest = 0
for i = 3, #ARGV, 2 do
  local remaining = tonumber(ARGV[i + 1])
  if remaining > 0 then
    redis.call('ZADD', KEYS[1], now + remaining, ARGV[i])
    if remaining > longest then longest = remaining end
  end
end
if longest > 0 and redis.call('PTTL', KEYS[1]) < longest * 2 then redis.call('PEXPIRE', KEYS[1], longest * 2) end
if ARGV[1] ~= '' then redis.call('HINCRBY', KEYS[2], 'acks', 1) end
redis.call('PUBLISH', ARGV[2], 'free')
return 1`;
