import type { Queue } from 'bull';

/**
 * Bull can leave a job's hash behind without the job. When a job finishes after Redis lost it
 * (a flush) and a copy queued again in the meantime came and went, Bull's moveToFailed writes
 * the failure fields into a hash that no longer exists, creating one with nothing else. That
 * hash is in no list, so it never runs; and Bull takes an existing job id as already queued,
 * so that id could never be queued again. A real job always has its data.
 */
const PURGE = `
local purged = 0
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 and redis.call('HEXISTS', key, 'data') == 0 then
    redis.call('DEL', key, key .. ':lock')
    purged = purged + 1
  end
end
return purged`;

/** Deletes the jobs among these ids that are only such leftovers, so the ids can be queued again. */
export async function purgeOrphanJobs(queue: Queue<unknown>, jobIds: readonly string[]): Promise<number> {
  if (jobIds.length === 0) return 0;
  return (await queue.client.eval(PURGE, jobIds.length, ...jobIds.map((id) => queue.toKey(id)))) as number;
}
