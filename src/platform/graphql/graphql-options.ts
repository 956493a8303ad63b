import { GRAPHQL_PATH } from '../http/route-auth.js';
import { Logger } from '@nestjs/common';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import type { MercuriusContext } from 'mercurius';
import type { GraphQLLimits } from '../config/app-config.js';
import { ArgumentNamesRule, graphqlErrorFormatter } from './graphql-errors.js';
import { ConcurrencyGate, enterQueryDeadline } from './graphql-reads.js';
import { maxTokens, queryLimitsRule } from './query-limits.js';

const RELEASE = Symbol('release GraphQL slot');
type SlotContext = MercuriusContext & { [RELEASE]?: () => void };

/**
 * Mercurius for the hub's read API, with its limits: body size on the route; tokens
 * while parsing; depth,
 * aliases, fields and cost as a validation rule (per request, since a page size may be a
 * variable, hence no query cache); then a slot among GRAPHQL_MAX_CONCURRENT and a deadline
 * for execution.
 */
export function graphqlOptions(limits: GraphQLLimits): MercuriusDriverConfig {
  const gate = new ConcurrencyGate(limits.maxConcurrent, limits.queueTimeoutMs, limits.timeShare);
  const logger = new Logger('GraphQL');
  const release = (context: SlotContext) => {
    context[RELEASE]?.();
    delete context[RELEASE];
  };
  const formatter = graphqlErrorFormatter(limits.timeoutMs, (message, detail) => {
    const error = detail.error instanceof Error ? (detail.error.stack ?? detail.error.message) : String(detail.error);
    logger.error(`${message} (correlation id ${detail.correlationId}): ${error}`);
  });
  return {
    driver: MercuriusDriver,
    autoSchemaFile: true,
    sortSchema: true,
    path: GRAPHQL_PATH,
    graphiql: false,
    cache: false,
    graphql: { parseOptions: { maxTokens: maxTokens(limits) } },
    additionalRouteOptions: { bodyLimit: limits.maxBodyBytes },
    validationRules: ({ variables, operationName }) => [queryLimitsRule(limits, variables, operationName), ArgumentNamesRule],
    errorFormatter: (execution, context) => {
      // The formatter also answers requests that failed after taking a slot.
      if (context) release(context as SlotContext);
      return formatter(execution, context);
    },
    hooks: {
      preExecution: async (_schema, _document, context: SlotContext) => {
        const deadline = enterQueryDeadline(limits.timeoutMs);
        context[RELEASE] = await gate.enter();
        deadline.start();
      },
      onResolution: async (_execution, context: SlotContext) => {
        release(context);
      },
    },
  };
}
