/**
 * --backlog-first: hold the target's postings back until all of them exist, then let posting
 * run alone. A disabled target cannot serve for this: the outbox writes postings only for
 * enabled targets (src/modules/erp-sync/outbox/posting-outbox.ts), so orders released while
 * it is off never get one. Instead the target's Bull queue is paused globally (in Redis, so it
 * holds for every hub process): the relay queues each posting as usual, into Bull's paused
 * list, and resuming hands the whole backlog to the workers at once.
 */
import Bull from 'bull';

export interface Hold {
  /** Jobs queued and held. */
  held(): Promise<number>;
  /** Lets the workers take the held jobs; returns when that was (Date.now()). */
  release(): Promise<number>;
  close(): Promise<void>;
}

/** Same name and prefix as the hub's queue for the target (PostingWorker.queueFor). */
export async function holdTargetQueue(redisUrl: string, prefix: string, targetId: string): Promise<Hold> {
  const queue = new Bull(`erp-${targetId}`, redisUrl, { prefix });
  await queue.pause();
  return {
    held: () => queue.getJobCountByTypes('paused'),
    release: async () => {
      const at = Date.now();
      await queue.resume();
      return at;
    },
    close: () => queue.close(),
  };
}
