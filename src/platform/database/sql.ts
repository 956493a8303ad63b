import type { DataSource, QueryRunner } from 'typeorm';

/** PostgreSQL's "try again" answers: serialization_failure and deadlock_detected. */
const TRANSIENT_CONFLICTS = new Set(['40001', '40P01']);

export function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } } | null)?.code
    ?? (error as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  return typeof code === 'string' && TRANSIENT_CONFLICTS.has(code);
}

/**
 * Runs fn in one transaction on its own query runner; rolls back on any error. A deadlock or
 * serialization failure is PostgreSQL asking for the whole transaction again, so fn runs once
 * more from the start (fn must keep its side effects inside the transaction); a second
 * conflict is the caller's.
 */
export async function inTransaction<T>(dataSource: DataSource, fn: (runner: QueryRunner) => Promise<T>): Promise<T> {
  try {
    return await attempt(dataSource, fn);
  } catch (error) {
    if (!isTransientConflict(error)) throw error;
    return attempt(dataSource, fn);
  }
}

async function attempt<T>(dataSource: DataSource, fn: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  let committed = false;
  try {
    const result = await fn(runner);
    await runner.commitTransaction();
    committed = true;
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    const callbacks = pendingAfterCommit.get(runner) ?? [];
    pendingAfterCommit.delete(runner);
    await runner.release();
    // Only what committed is announced; a rolled-back attempt's callbacks are dropped.
    if (committed) for (const callback of callbacks) void callback();
  }
}

const pendingAfterCommit = new WeakMap<QueryRunner, (() => Promise<void>)[]>();

/**
 * Runs callback once the transaction of `runner` (opened by inTransaction) has committed, and
 * never if it rolls back. The callback must catch its own errors: nothing waits for it.
 */
export function afterCommit(runner: QueryRunner, callback: () => Promise<void>): void {
  const list = pendingAfterCommit.get(runner) ?? [];
  list.push(callback);
  pendingAfterCommit.set(runner, list);
}

/** `($1, $2, …), ($n, …)` for a multi-row VALUES clause. */
export function valuesClause(rows: number, columns: number, offset = 0): string {
  const groups: string[] = [];
  for (let row = 0; row < rows; row++) {
    const params: string[] = [];
    for (let column = 1; column <= columns; column++) params.push(`$${offset + row * columns + column}`);
    groups.push(`(${params.join(', ')})`);
  }
  return groups.join(', ');
}

/** bigint columns come back as strings from pg and from the embedded driver alike. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' || typeof value === 'number') return BigInt(value);
  throw new TypeError(`not an integer column value: ${String(value)}`);
}

/**
 * TypeORM's postgres driver answers UPDATE and DELETE with [rows, affected] but INSERT and
 * SELECT with rows; this gives the rows of a RETURNING either way.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
