/**
 * Per-request batching for GraphQL field resolvers: every load() of one loader in the same
 * turn of execution (graphql-js resolves the field on all items of a list before awaiting
 * any of them) is answered by one call of its batch function, so a child table costs one
 * statement a request however many orders the page holds, and none when no query selects it.
 */
export type BatchFunction<K, V> = (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>;

export class BatchLoader<K, V> {
  private readonly cache = new Map<K, Promise<V>>();
  private pending: { key: K; resolve: (value: V) => void; reject: (error: unknown) => void }[] = [];

  /** `missing` answers a key the batch function left out (an order with no rows of the table). */
  constructor(private readonly batch: BatchFunction<K, V>, private readonly missing: () => V) {}

  load(key: K): Promise<V> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const promise = new Promise<V>((resolve, reject) => {
      if (this.pending.length === 0) this.schedule();
      this.pending.push({ key, resolve, reject });
    });
    this.cache.set(key, promise);
    return promise;
  }

  /**
   * After the promise jobs already queued, then one tick more, as DataLoader does: resolvers
   * of sibling fields that awaited something already settled get to join the batch.
   */
  private schedule(): void {
    void Promise.resolve().then(() => process.nextTick(() => void this.dispatch()));
  }

  private async dispatch(): Promise<void> {
    const waiting = this.pending;
    this.pending = [];
    try {
      const found = await this.batch(waiting.map((w) => w.key));
      for (const w of waiting) w.resolve(found.has(w.key) ? (found.get(w.key) as V) : this.missing());
    } catch (error) {
      for (const w of waiting) {
        this.cache.delete(w.key);
        w.reject(error);
      }
    }
  }
}

const perRequest = new WeakMap<object, Map<unknown, BatchLoader<unknown, unknown>>>();

/**
 * The loader `token` names for this request (the GraphQL context object lives exactly as
 * long as one request), made on first use. The token is usually the batch function's owner
 * method, so two resolvers reading the same table share one loader and one statement.
 */
export function requestLoader<K, V>(context: object, token: unknown, batch: BatchFunction<K, V>, missing: () => V): BatchLoader<K, V> {
  let loaders = perRequest.get(context);
  if (!loaders) {
    loaders = new Map();
    perRequest.set(context, loaders);
  }
  let loader = loaders.get(token) as BatchLoader<K, V> | undefined;
  if (!loader) {
    loader = new BatchLoader(batch, missing);
    loaders.set(token, loader as BatchLoader<unknown, unknown>);
  }
  return loader;
}

/** Groups rows by a key column, in the order the rows came (the statement's ORDER BY). */
export function groupRows<R extends Record<string, unknown>>(rows: readonly R[], column: string): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const key = row[column] as string;
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/**
 * `batch` called on `owner` for every key loaded in this turn of this request, e.g.
 * `loadBatched(context, this.reader, this.reader.lines, order.id, () => [])`; the method
 * itself is the loader's name, so every resolver calling it shares the statement.
 */
export function loadBatched<K, V>(
  context: object, owner: object, batch: (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>, key: K, missing: () => V,
): Promise<V> {
  return requestLoader(context, batch, (keys: readonly K[]) => batch.call(owner, keys), missing).load(key);
}
