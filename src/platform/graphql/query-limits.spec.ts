import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import { loadConfig } from '../config/app-config.js';
import { QueryRefusedError, limitViolations, measureQuery, queryCost, queryLimitsRule } from './query-limits.js';

const schema = buildSchema(`
  type Query {
    orders(first: Int = 20, after: String): OrderConnection!
    order(id: ID!): Order
    mappings(limit: Int = 100): [Mapping!]!
  }
  type OrderConnection { edges: [OrderEdge!]! pageInfo: PageInfo! }
  type OrderEdge { cursor: String! node: Order! }
  type PageInfo { hasNextPage: Boolean! }
  type Order { id: ID! status: String! lines: [Line!]! }
  type Line { sku: String quantity: Int! }
  type Mapping { id: ID! }
`);

const cost = (query: string, variables?: Record<string, unknown>) => queryCost(schema, parse(query), variables);
const limits = loadConfig({}).graphql;

describe('page cost', () => {
  it('counts each field once, and a page size times what the page selects', () => {
    expect(cost('{ order(id: "1") { id status } }')).toBe(3);
    // orders 1 + 10 × (edges 1 + node 1 + id 1 + lines 1 + sku 1 + quantity 1)
    expect(cost('{ orders(first: 10) { edges { node { id lines { sku quantity } } } } }')).toBe(61);
    expect(cost('{ mappings(limit: 1000) { id } }')).toBe(1001);
  });

  it('takes the page size from a variable or the argument default', () => {
    const query = 'query($n: Int!) { orders(first: $n) { edges { cursor } } }';
    expect(cost(query, { n: 100 })).toBe(201);
    expect(cost(query, { n: 5 })).toBe(11);
    expect(cost('{ orders { edges { cursor } } }')).toBe(41);
  });

  it('counts a fragment at each spread, and every alias', () => {
    const query = '{ a: orders(first: 100) { ...P } b: orders(first: 100) { ...P } } fragment P on OrderConnection { edges { node { id } } }';
    expect(cost(query)).toBe(2 * (1 + 100 * 3));
  });

  it('gives up (null) on a document it cannot cost, leaving the reason to the spec rules', () => {
    expect(cost('query($n: Int!) { orders(first: $n) { edges { cursor } } }')).toBeNull();
  });
});

describe('measureQuery', () => {
  it('measures depth, fields and aliases, fragments once per spread', () => {
    const shape = measureQuery(parse('{ x: orders { edges { node { ...F ...F } } } } fragment F on Order { id y: status }'));
    expect(shape).toEqual({ depth: 4, nesting: 5, fields: 3 + 2 * 2, aliases: 1 + 2 });
  });

  it('counts fragments in the nesting, so fields wrapped in hundreds of inline fragments are refused', () => {
    const wrapped = measureQuery(parse(`{ orders { edges { node { ${'... on Order { '.repeat(500)} id ${'} '.repeat(500)} } } } }`));
    expect(wrapped.depth).toBe(4);
    expect(wrapped.nesting).toBe(504);
    expect(limitViolations(wrapped, 10, limits).map((e) => e.extensions.code)).toEqual(['QUERY_TOO_DEEP']);
  });

  it('measures a fragment bomb in no time and a fragment cycle as nothing', () => {
    const levels = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Order { ${i === 39 ? 'id' : `...F${i + 1} ...F${i + 1}`} }`).join(' ');
    const started = Date.now();
    const bomb = measureQuery(parse(`{ order(id: "1") { ...F0 } } ${levels}`));
    expect(Date.now() - started).toBeLessThan(100);
    expect(bomb.fields).toBeGreaterThan(2 ** 39);
    expect(measureQuery(parse('{ order(id: "1") { ...A } } fragment A on Order { id ...B } fragment B on Order { ...A }')).fields).toBe(2);
  });

  it('lets the standard introspection query through the default depth', () => {
    expect(measureQuery(parse(getIntrospectionQuery())).depth).toBeLessThanOrEqual(limits.maxDepth);
  });
});

describe('limitViolations', () => {
  it('names each limit broken, with the measured value and the limit', () => {
    const errors = limitViolations({ depth: 20, nesting: 20, fields: 600, aliases: 31 }, 30_000, limits);
    expect(errors.map((e) => e.extensions)).toEqual([
      { code: 'QUERY_TOO_DEEP', depth: 20, limit: limits.maxDepth },
      { code: 'TOO_MANY_ALIASES', aliases: 31, limit: limits.maxAliases },
      { code: 'TOO_MANY_FIELDS', fields: 600, limit: limits.maxFields },
      { code: 'QUERY_TOO_COMPLEX', cost: 30_000, limit: limits.maxCost },
    ]);
    expect(limitViolations({ depth: 3, nesting: 3, fields: 10, aliases: 0 }, 100, limits)).toEqual([]);
  });
});

describe('queryLimitsRule', () => {
  it('throws before the spec rules walk an abusive document, and lets a fine one through to them', () => {
    const rules = (variables?: Record<string, unknown>) => [queryLimitsRule(limits, variables), ...specifiedRules];
    const abusive = parse(`{ ${Array.from({ length: 50 }, (_, i) => `a${i}: orders(first: 100) { edges { cursor } }`).join(' ')} }`);
    expect(() => validate(schema, abusive, rules())).toThrow(QueryRefusedError);
    try {
      validate(schema, abusive, rules());
    } catch (error) {
      expect((error as QueryRefusedError).errors.map((e) => e.extensions.code)).toEqual(['TOO_MANY_ALIASES', 'QUERY_TOO_COMPLEX']);
      expect((error as QueryRefusedError).statusCode).toBe(400);
    }
    expect(validate(schema, parse('query($n: Int!) { orders(first: $n) { edges { cursor } } }'), rules({ n: 50 }))).toEqual([]);
    expect(() => validate(schema, parse('query($n: Int!) { orders(first: $n) { edges { cursor } } }'), rules({ n: 50_000 }))).toThrow(/costs 100001/);
  });
});
