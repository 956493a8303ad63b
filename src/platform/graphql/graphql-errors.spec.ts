import { GraphQLError } from 'graphql';
import { ApiError } from '../http/api-error.js';
import { graphqlErrorFormatter, userError } from './graphql-errors.js';
import { GraphQLBusyError, QueryTimeoutError } from './graphql-reads.js';
import { QueryRefusedError } from './query-limits.js';

/** What a resolver error looks like once graphql-js has located it. */
const located = (original: Error) => new GraphQLError(original.message, { path: ['orders'], originalError: original });
const reply = { getHeader: (name: string) => (name === 'x-correlation-id' ? 'corr-42' : undefined) };

function format(errors: GraphQLError[], data: Record<string, unknown> | null = null) {
  const logged: { message: string; correlationId: string; error: unknown }[] = [];
  const formatter = graphqlErrorFormatter(1500, (message, detail) => logged.push({ message, ...detail }));
  return { ...formatter({ data, errors }, { reply }), logged };
}

describe('graphqlErrorFormatter', () => {
  it('answers an unexpected resolver error as INTERNAL with the correlation id, the SQL only in the log', () => {
    const sqlError = Object.assign(new Error('relation "orders" does not exist: SELECT * FROM orders o WHERE o.id = $1'), { code: '42P01' });
    const { statusCode, response, logged } = format([located(sqlError)], { orders: null });
    expect(statusCode).toBe(200);
    expect(response.errors).toEqual([
      { message: 'internal error; quote correlation id corr-42', path: ['orders'], locations: undefined, extensions: { code: 'INTERNAL', correlationId: 'corr-42' } },
    ]);
    expect(JSON.stringify(response)).not.toMatch(/SELECT|does not exist/);
    expect(logged).toEqual([{ message: 'GraphQL resolver failed', correlationId: 'corr-42', error: sqlError }]);
  });

  it('answers a value the database refused as VALIDATION_FAILED, without its words', () => {
    const overflow = Object.assign(new Error('timestamp out of range: "-271821-04-20"'), { code: '22008' });
    const { response } = format([located(overflow)]);
    expect(response.errors).toEqual([expect.objectContaining({ message: 'an argument is malformed or out of range', extensions: { code: 'VALIDATION_FAILED' } })]);
  });

  it('answers a cancelled statement or a passed deadline as QUERY_TIMEOUT with the limit', () => {
    const cancelled = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    for (const error of [cancelled, new QueryTimeoutError(1500)]) {
      expect(format([located(error)]).response.errors).toEqual([
        expect.objectContaining({ message: 'the query ran longer than 1500 ms and was cancelled', extensions: { code: 'QUERY_TIMEOUT', limit: 1500 } }),
      ]);
    }
  });

  it('keeps expected failures as they are, with their status', () => {
    expect(format([located(userError('INVALID_CURSOR', 'after is not a cursor this API gave out', 'after'))]).response.errors[0].extensions)
      .toEqual({ code: 'INVALID_CURSOR', field: 'after' });
    expect(format([located(new ApiError(403, 'FORBIDDEN', 'this needs the admin role', 'Authorization'))]).response.errors[0].extensions)
      .toEqual({ code: 'FORBIDDEN', field: 'Authorization' });
    const busy = format([new GraphQLError('busy', { originalError: new GraphQLBusyError(4) })]);
    expect(busy.statusCode).toBe(503);
    expect(busy.response.errors[0].extensions).toEqual({ code: 'GRAPHQL_BUSY', limit: 4 });
  });

  it('unwraps a refused query into its limit errors, with status 400', () => {
    const refused = new QueryRefusedError([new GraphQLError('too deep', { extensions: { code: 'QUERY_TOO_DEEP', depth: 20, limit: 15 } })]);
    const { statusCode, response } = format([new GraphQLError(refused.message, { originalError: refused })]);
    expect(statusCode).toBe(400);
    expect(response.errors).toEqual([expect.objectContaining({ message: 'too deep', extensions: { code: 'QUERY_TOO_DEEP', depth: 20, limit: 15 } })]);
  });
});
