import {
  GraphQLError, Kind, type ASTVisitor, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type SelectionSetNode,
  type ValidationContext, type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import type { GraphQLLimits } from '../config/app-config.js';

/** The arguments that size a page: its size multiplies what each item selects. */
const PAGE_ARGUMENTS = ['first', 'last', 'limit'] as const;

/**
 * Every field costs 1; a field given a page size costs 1 plus the page size times the cost
 * of what it selects, so `orders(first: 100) { … }` counts its selection a hundred times.
 * Lists without a page size (an order's lines) count once: the readers load them for the
 * whole page in one statement each, so the page size is what drives the work.
 */
export function pageCostEstimator({ args, childComplexity }: ComplexityEstimatorArgs): number {
  const size = PAGE_ARGUMENTS.map((name) => args[name]).find((value): value is number => typeof value === 'number');
  return 1 + Math.max(size ?? 1, 1) * childComplexity;
}

/**
 * Tokens a document may have: parsing stops there, so an oversized query costs no more
 * to refuse than a page of a normal one. Generous for any query within the field limit.
 */
export const maxTokens = (limits: GraphQLLimits): number => limits.maxFields * 50;

/**
 * The computed cost of the operation(s) a request would run; null when it cannot be
 * computed (the spec rules then say what is wrong).
 */
export function queryCost(schema: GraphQLSchema, document: DocumentNode, variables?: Record<string, unknown>, operationName?: string): number | null {
  try {
    return getComplexity({
      schema, query: document, variables, operationName, estimators: [pageCostEstimator],
    });
  } catch {
    return null;
  }
}

export interface QueryShape {
  /** The deepest field nesting. */
  readonly depth: number;
  /**
   * The deepest nesting of selection sets, fragments included: fields nested in hundreds of
   * inline fragments are shallow by field depth, yet every GraphQL pass recurses through them.
   */
  readonly nesting: number;
  /** Field selections as executed: a fragment counts once per spread. */
  readonly fields: number;
  readonly aliases: number;
}

const EMPTY: QueryShape = { depth: 0, nesting: 0, fields: 0, aliases: 0 };
const cap = (n: number) => Math.min(n, Number.MAX_SAFE_INTEGER);

/**
 * Depth, fields and aliases of a document in one pass over its text, each fragment
 * measured once however often it is spread (so a "fragment bomb" costs nothing to
 * measure), and a fragment cycle measured as empty (the spec rules refuse it).
 */
export function measureQuery(document: DocumentNode): QueryShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, QueryShape>();
  const visiting = new Set<string>();

  const fragmentShape = (name: string): QueryShape => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || visiting.has(name)) return EMPTY;
    visiting.add(name);
    const shape = selectionShape(fragment.selectionSet);
    visiting.delete(name);
    measured.set(name, shape);
    return shape;
  };

  function selectionShape(set: SelectionSetNode | undefined): QueryShape {
    let depth = 0;
    let nesting = 0;
    let fields = 0;
    let aliases = 0;
    for (const selection of set?.selections ?? []) {
      let inner: QueryShape;
      if (selection.kind === Kind.FIELD) {
        const children = selectionShape(selection.selectionSet);
        inner = {
          depth: children.depth + 1, nesting: children.nesting + 1, fields: children.fields + 1, aliases: children.aliases + (selection.alias ? 1 : 0),
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const children = selectionShape(selection.selectionSet);
        inner = { ...children, nesting: children.nesting + 1 };
      } else {
        const spread = fragmentShape(selection.name.value);
        inner = { ...spread, nesting: spread.nesting + 1 };
      }
      depth = Math.max(depth, inner.depth);
      nesting = Math.max(nesting, inner.nesting);
      fields = cap(fields + inner.fields);
      aliases = cap(aliases + inner.aliases);
    }
    return { depth, nesting, fields, aliases };
  }

  let total = EMPTY;
  const add = (shape: QueryShape) => {
    total = {
      depth: Math.max(total.depth, shape.depth), nesting: Math.max(total.nesting, shape.nesting),
      fields: cap(total.fields + shape.fields), aliases: cap(total.aliases + shape.aliases),
    };
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) add(selectionShape(definition.selectionSet));
  }
  // Fragments count through their spreads; one no operation spreads is still validated, so it counts once.
  for (const name of fragments.keys()) if (!measured.has(name)) add(fragmentShape(name));
  return total;
}

/** A request refused before it ran: Mercurius answers it like a validation failure (400). */
export class QueryRefusedError extends Error {
  readonly statusCode = 400;
  readonly code = 'QUERY_REFUSED';
  constructor(readonly errors: readonly GraphQLError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'QueryRefusedError';
  }
}

const refusal = (code: string, message: string, extensions: Record<string, unknown>) =>
  new GraphQLError(message, { extensions: { code, ...extensions } });

/** Which limits a query breaks, with the measured value and the limit beside each code. */
export function limitViolations(shape: QueryShape, cost: number | null, limits: GraphQLLimits): GraphQLError[] {
  const errors: GraphQLError[] = [];
  if (shape.depth > limits.maxDepth) {
    errors.push(refusal('QUERY_TOO_DEEP', `the query nests ${shape.depth} levels deep; at most ${limits.maxDepth} are allowed`, { depth: shape.depth, limit: limits.maxDepth }));
  } else if (shape.nesting > 2 * limits.maxDepth) {
    // A fragment per field level is ordinary; far more than that is only there to recurse.
    const limit = 2 * limits.maxDepth;
    errors.push(refusal('QUERY_TOO_DEEP', `the query nests selections and fragments ${shape.nesting} levels deep; at most ${limit} are allowed`, { depth: shape.nesting, limit }));
  }
  if (shape.aliases > limits.maxAliases) {
    errors.push(refusal('TOO_MANY_ALIASES', `the query has ${shape.aliases} aliases; at most ${limits.maxAliases} are allowed`, { aliases: shape.aliases, limit: limits.maxAliases }));
  }
  if (shape.fields > limits.maxFields) {
    errors.push(refusal('TOO_MANY_FIELDS', `the query selects ${shape.fields} fields; at most ${limits.maxFields} are allowed`, { fields: shape.fields, limit: limits.maxFields }));
  }
  if (cost !== null && cost > limits.maxCost) {
    errors.push(refusal(
      'QUERY_TOO_COMPLEX',
      `the query costs ${cost}; at most ${limits.maxCost} is allowed (each field 1, times the page size of the list it is in)`,
      { cost, limit: limits.maxCost },
    ));
  }
  return errors;
}

/**
 * The limits as a validation rule of the request (it needs the variables, since a page
 * size may be one). It judges the whole document when validation starts and, on a
 * breach, throws instead of reporting, so the spec rules (some quadratic in the number of
 * fields) never walk an abusive query.
 */
export function queryLimitsRule(limits: GraphQLLimits, variables?: Record<string, unknown>, operationName?: string): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Document: {
      enter(document) {
        const shape = measureQuery(document);
        // The library walks each spread anew, about a second per 50,000 selections of an
        // event loop webhooks share; past the field limit the size alone refuses the query.
        const cost = shape.fields <= limits.maxFields ? queryCost(context.getSchema(), document, variables, operationName) : null;
        const errors = limitViolations(shape, cost, limits);
        if (errors.length > 0) throw new QueryRefusedError(errors);
        return undefined;
      },
    },
  });
}
