import type { Queue } from 'bull';

/**
 * Bull takes an existing job hash as "already queued" and will not add that id again, so a
 * hash that sits in none of the queue's lists blocks its id forever. Two ways to get one:
 * - a job finishes after Redis lost it (a flush) and a copy queued again in the meantime came
 *   and went: Bull's moveToFailed writes the failure fields into a hash that no longer exists,
 *   creating one with no data;
 * - the queue's keys are deleted one by one (an operator's SCAN + DEL, an eviction): the lists
 *   go first and the job hashes, with their data, stay behind.
 * Bull moves jobs between lists inside its own scripts, so between scripts a live job is always
 * in wait, active, paused or delayed (finished ones are removed with our options; callers clear
 * failed ones they keep).
 *
 * KEYS: the job hashes, then wait, active, paused and delayed. The lists are read only when
 * one of the hashes exists, which in normal running none does.
 */
const PURGE = `
local lists = 4
local jobs = #KEYS - lists
local listed = nil
local purged = 0
for i = 1, jobs do
  local key = KEYS[i]
  if redis.call('EXISTS', key) == 1 then
    local orphan = redis.call('HEXISTS', key, 'data') == 0
    if not orphan then
      if listed == nil then
        listed = {}
        for l = 1, 3 do
          for _, id in ipairs(redis.call('LRANGE', KEYS[jobs + l], 0, -1)) do listed[id] = true end
        end
      end
      local id = ARGV[i]
      orphan = not listed[id] and not redis.call('ZSCORE', KEYS[jobs + 4], id)
    end
    if orphan then
      redis.call('DEL', key, key .. ':lock')
      purged = purged + 1
    end
  end
end
return purged`;

/** Deletes the jobs among these ids that are only such leftovers, so the ids can be queued again. */
export async function purgeOrphanJobs(queue: Queue<unknown>, jobIds: readonly string[]): Promise<number> {
  if (jobIds.length === 0) return 0;
  const keys = [...jobIds.map((id) => queue.toKey(id)), ...['wait', 'active', 'paused', 'delayed'].map((list) => queue.toKey(list))];
  return (await queue.client.eval(PURGE, keys.length, ...keys, ...jobIds)) as number;
}
