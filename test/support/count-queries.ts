import { randomUUID } from 'node:crypto';
import { currentCorrelationId, withCorrelationId } from '../../src/platform/correlation/correlation.js';

/**
 * Counts the SQL statements one piece of work sends through a data source (or GraphQL's
 * read pool, GraphQLReads), and only those: the app's background
 * loops (sweeper, relay, scans) share the data source, so statements are attributed by the
 * correlation id the work runs under. For HTTP work, send the id as X-Correlation-Id.
 */
export async function countQueries<T, S extends { query(...args: never[]): Promise<unknown> }>(
  dataSource: S,
  work: (correlationId: string) => Promise<T>,
): Promise<{ result: T; queries: number }> {
  const id = `count-${randomUUID()}`;
  const original = dataSource.query.bind(dataSource);
  let queries = 0;
  dataSource.query = ((...args: Parameters<S['query']>) => {
    if (currentCorrelationId() === id) queries += 1;
    return original(...args);
  }) as S['query'];
  try {
    const result = await withCorrelationId(id, () => work(id));
    return { result, queries };
  } finally {
    dataSource.query = original;
  }
}
