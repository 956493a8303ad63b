import { GraphQLError, Kind, type ASTNode, type ExecutionResult, type ValidationRule, type ValueNode } from 'graphql';
import { currentCorrelationId } from '../correlation/correlation.js';
import { ApiError } from '../http/api-error.js';
import { GraphQLBusyError, QueryTimeoutError } from './graphql-reads.js';

/**
 * An expected failure for a GraphQL caller, with the same stable code and offending field
 * the REST API gives, in the error's extensions.
 */
export function userError(code: string, message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(field ? { field } : {}) } });
}

/** PostgreSQL's timestamps end at 4713 BC and 294276 AD; JavaScript's go further. Years 1–9999 are what callers mean. */
export function checkDate(value: Date | null | undefined, field: string): void {
  if (value === null || value === undefined) return;
  const year = value.getUTCFullYear();
  if (Number.isNaN(value.getTime()) || year < 1 || year > 9999) throw userError('VALIDATION_FAILED', `${field} must be a date between the years 1 and 9999`, field);
}

/** The argument (and input field) each literal value of a document was given for, so a bad literal can be named. */
const argumentOfValue = new WeakMap<ASTNode, string>();

function recordValue(value: ValueNode, path: string): void {
  argumentOfValue.set(value, path);
  if (value.kind === Kind.OBJECT) for (const field of value.fields) recordValue(field.value, `${path}.${field.name.value}`);
  if (value.kind === Kind.LIST) for (const item of value.values) recordValue(item, path);
}

/** Records which argument each literal belongs to; it never reports anything itself. */
export const ArgumentNamesRule: ValidationRule = () => ({
  Argument(node) {
    recordValue(node.value, node.name.value);
  },
});

/** The argument a spec error is about: a literal's argument, or the variable named in its message. */
function fieldOf(error: GraphQLError): string | undefined {
  for (const node of error.nodes ?? []) {
    const field = argumentOfValue.get(node);
    if (field) return field;
  }
  return /^Variable "(\$\w+)"/.exec(error.message)?.[1];
}

type Extensions = Record<string, unknown>;
interface Classified {
  readonly message: string;
  readonly extensions: Extensions;
}

export type InternalErrorLog = (message: string, detail: { correlationId: string; error: unknown }) => void;

const driverCode = (error: object): unknown => (error as { code?: unknown }).code ?? (error as { driverError?: { code?: unknown } }).driverError?.code;

/**
 * The answer a caller gets for one error: expected failures keep their code (and field);
 * spec validation errors become VALIDATION_FAILED with the argument; timeouts QUERY_TIMEOUT;
 * anything unexpected INTERNAL with the correlation id, its detail (SQL text, driver
 * messages) only in the log.
 */
export function classifyError(error: GraphQLError, correlationId: string, timeoutMs: number, log: InternalErrorLog): Classified {
  const code = error.extensions?.code;
  if (typeof code === 'string') return { message: error.message, extensions: error.extensions };
  const original = error.originalError;
  const tokens = original === undefined ? /^Syntax Error: Document contains more th\w+ (\d+) tokens/.exec(error.message) : null;
  if (tokens) {
    const limit = Number(tokens[1]);
    return { message: `the query has more than ${limit} tokens; parsing stopped there`, extensions: { code: 'QUERY_TOO_LARGE', limit } };
  }
  if (original === undefined || original instanceof GraphQLError) {
    const field = fieldOf(error);
    return { message: error.message, extensions: { code: 'VALIDATION_FAILED', ...(field ? { field } : {}) } };
  }
  if (original instanceof ApiError) return { message: original.message, extensions: { code: original.code, ...(original.field ? { field: original.field } : {}) } };
  if (original instanceof GraphQLBusyError) return { message: original.message, extensions: { code: 'GRAPHQL_BUSY', limit: original.maxConcurrent } };
  const sqlState = driverCode(original);
  if (original instanceof QueryTimeoutError || sqlState === '57014') {
    return { message: `the query ran longer than ${timeoutMs} ms and was cancelled`, extensions: { code: 'QUERY_TIMEOUT', limit: timeoutMs } };
  }
  const status = (original as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status < 500) {
    const tooLarge = sqlState === 'FST_ERR_CTP_BODY_TOO_LARGE';
    return { message: original.message, extensions: { code: tooLarge ? 'PAYLOAD_TOO_LARGE' : status === 405 ? 'METHOD_NOT_ALLOWED' : 'BAD_REQUEST' } };
  }
  // PostgreSQL data exceptions (class 22): a value the resolver passed on unchecked.
  if (typeof sqlState === 'string' && sqlState.startsWith('22')) {
    log('GraphQL argument refused by the database', { correlationId, error: original });
    return { message: 'an argument is malformed or out of range', extensions: { code: 'VALIDATION_FAILED' } };
  }
  log('GraphQL resolver failed', { correlationId, error: original });
  return { message: `internal error; quote correlation id ${correlationId}`, extensions: { code: 'INTERNAL', correlationId } };
}

/** Mercurius wraps errors refused before execution (validation, limits) in one error carrying them all. */
function flatten(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.flatMap((error) => {
    const wrapper = error.originalError as { errors?: unknown; statusCode?: unknown } | undefined;
    const inner = wrapper?.errors;
    if (!Array.isArray(inner)) return [error];
    return inner.map((e: unknown) => {
      if (e instanceof GraphQLError) return e;
      // A plain error inside Mercurius' wrapper (a mutation over GET, say) is the wrapper's kind of refusal.
      const original = e as Error & { statusCode?: unknown };
      if (original.statusCode === undefined && typeof wrapper?.statusCode === 'number') original.statusCode = wrapper.statusCode;
      return new GraphQLError(String(original.message), { originalError: original });
    });
  });
}

interface FormatterContext {
  readonly reply?: { getHeader(name: string): unknown };
}

/**
 * Mercurius' errorFormatter: every error gets an extensions.code, none leaks SQL, and the
 * status is Mercurius' own (400 for a refused query, 503 when busy, 413 too large), never 5xx otherwise.
 */
export function graphqlErrorFormatter(timeoutMs: number, log: InternalErrorLog) {
  return (execution: ExecutionResult & { statusCode?: number }, context: FormatterContext | undefined) => {
    const header = context?.reply?.getHeader('x-correlation-id');
    const correlationId = typeof header === 'string' ? header : (currentCorrelationId() ?? 'unknown');
    const raw = execution.errors ?? [];
    const errors = flatten(raw).map((error) => {
      const { message, extensions } = classifyError(error, correlationId, timeoutMs, log);
      return { message, locations: error.locations, path: error.path, extensions };
    });
    let statusCode = execution.data ? 200 : (execution.statusCode ?? 200);
    const refused = raw[0]?.originalError;
    const refusedStatus = refused instanceof ApiError ? refused.status : (refused as { statusCode?: unknown } | undefined)?.statusCode;
    if (!execution.data && execution.statusCode === undefined && raw.length === 1 && typeof refusedStatus === 'number') statusCode = refusedStatus;
    if (statusCode >= 500 && statusCode !== 503) statusCode = 200;
    return { statusCode, response: { data: execution.data ?? null, errors } };
  };
}
