import { GraphQLError } from 'graphql';

/**
 * An expected failure for a GraphQL caller, with the same stable code and offending field
 * the REST API gives, in the error's extensions.
 */
export function userError(code: string, message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(field ? { field } : {}) } });
}
