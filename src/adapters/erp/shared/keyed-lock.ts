/**
 * Runs tasks one at a time per key, in this process. An ERP document that takes several requests
 * to post (stage the lines, then post them) must not interleave with another one on the same
 * order; this keeps one worker's calls apart, and the ERP-side claim keeps processes apart.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      // Forget the key once nothing queued behind us, so the map does not grow with every order.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
