/**
 * `--graphql-load N`: N clients with a reader key hammer /graphql during the timed ingest
 * run, half with the heaviest queries the limits allow, half with queries past them, so
 * the webhook latency beside a run without them shows whether reads can starve intake.
 */
import { performance } from 'node:perf_hooks';
import { summarise } from './stats.js';

const PAGE = `{ orders(first: 100) { edges { node { id externalId orderNumber status holdReasons
  totals { grandTotal { amount currencyCode } } lines { sku quantity unitPrice { amount } } history { toStatus reason }
  erpReferences { documentType postingStatus } } } pageInfo { hasNextPage endCursor } } }`;

/** Allowed: pages of 100 orders with their children, up to 1,000 orders a request (costs about 2,200 and 7,000, within GRAPHQL_MAX_COST). */
const HEAVY = [PAGE, `{ ${Array.from({ length: 10 }, (_, i) => `p${i}: orders(first: 100) { edges { node { id lines { sku } history { at } } } }`).join(' ')} }`];

/** Refused before execution: the attacker's aliases (cut to fit the body), depth, and page size times selection. */
const OVER_LIMIT = [
  `{ ${Array.from({ length: 1500 }, (_, i) => `a${i.toString(36)}: orders(first: 100) { ...O }`).join(' ')} } fragment O on OrderConnection { edges { node { lines { id } history { at } } } }`,
  `{ __schema { types { fields { type ${'{ ofType '.repeat(20)}{ name }${' }'.repeat(20)} } } } }`,
  '{ orders(first: 2000) { edges { node { id lines { id sku quantity } history { at reason } } } } }',
];

export interface GraphQLLoadStats {
  readonly clients: number;
  readonly requests: number;
  /** Answered with data and no errors. */
  readonly answered: number;
  /** By extensions.code (QUERY_TOO_COMPLEX, GRAPHQL_BUSY, QUERY_TIMEOUT…), or HTTP status when there was none. */
  readonly refused: Record<string, number>;
  readonly failures: number;
  readonly latencyMs: { p50: number; p99: number };
}

/** Starts the clients; stop() ends them after their request in flight and gives the tally. */
export function startGraphQLLoad(port: number, readerKey: string, clients: number): { stop(): Promise<GraphQLLoadStats> } {
  let running = true;
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  let requests = 0;
  let answered = 0;
  let failures = 0;

  const send = async (query: string): Promise<void> => {
    const started = performance.now();
    requests += 1;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${readerKey}` },
        body: JSON.stringify({ query }),
        signal: AbortSignal.timeout(60_000),
      });
      const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      latencies.push(performance.now() - started);
      if (!body.errors) answered += 1;
      else {
        const code = body.errors[0]?.extensions?.code ?? `HTTP ${res.status}`;
        refused[code] = (refused[code] ?? 0) + 1;
      }
    } catch {
      failures += 1;
    }
  };

  const client = async (n: number): Promise<void> => {
    // Even clients send the heavy allowed queries, odd ones the refused ones.
    const queries = n % 2 === 0 ? HEAVY : OVER_LIMIT;
    for (let i = 0; running; i++) await send(queries[i % queries.length]);
  };
  const all = Promise.all(Array.from({ length: clients }, (_, n) => client(n)));

  return {
    async stop() {
      running = false;
      await all;
      const summary = summarise(Float64Array.from(latencies));
      return { clients, requests, answered, refused, failures, latencyMs: { p50: summary.p50, p99: summary.p99 } };
    },
  };
}

export function formatGraphQLLoad(stats: GraphQLLoadStats): string {
  const refused = Object.entries(stats.refused).map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
  return `GraphQL load: ${stats.clients} clients, ${stats.requests} requests, ${stats.answered} answered, refused: ${refused}; ${stats.failures} failed; `
    + `GraphQL latency p50 ${stats.latencyMs.p50.toFixed(0)} ms, p99 ${stats.latencyMs.p99.toFixed(0)} ms`;
}
