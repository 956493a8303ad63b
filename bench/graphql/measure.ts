/**
 * The two reads of the GraphQL benchmark, each as a GraphQL query over HTTP and as its
 * floor (one hand-written statement per table, no GraphQL, no HTTP), timed by a number of
 * clients that each send their next request when the last one is answered.
 */
import { performance } from 'node:perf_hooks';
import { summarise } from '../ingest/stats.js';
import { HISTORY, LINES } from './seed.js';

export const PAGE_SIZE = 50;

export const IDS_QUERY = `{ orders(first: ${PAGE_SIZE}) { edges { node { id } } } }`;

export const PAGE_QUERY = `{ orders(first: ${PAGE_SIZE}) { edges { cursor node { id orderNumber status placedAt
  totals { grandTotal { amount currencyCode } }
  lines { sku quantity unitPrice { amount currencyCode } }
  history { at fromStatus toStatus reason }
  erpReferences { target documentType postingStatus internalId documentNumber } } }
  pageInfo { hasNextPage endCursor } } }`;

type Query = (text: string, params?: unknown[]) => Promise<unknown[]>;

/** The floor of the ids page: the heads' statement alone. */
export async function floorIds(query: Query): Promise<number> {
  const heads = await query(`SELECT id, placed_at FROM orders ORDER BY placed_at DESC, id DESC LIMIT ${PAGE_SIZE + 1}`);
  return heads.length;
}

/** The floor of the full page: heads, then lines, history and postings for the page's ids, one statement each. */
export async function floorPage(query: Query): Promise<number> {
  const heads = (await query(`SELECT * FROM orders ORDER BY placed_at DESC, id DESC LIMIT ${PAGE_SIZE + 1}`)) as { id: string }[];
  const ids = heads.map((h) => h.id);
  const children = await Promise.all([
    query('SELECT * FROM order_lines WHERE order_id = ANY($1) ORDER BY position', [ids]),
    query('SELECT * FROM order_history WHERE order_id = ANY($1) ORDER BY id', [ids]),
    query('SELECT * FROM postings WHERE order_id = ANY($1) ORDER BY target_id, document_type, created_at', [ids]),
  ]);
  return heads.length + children.reduce((n, rows) => n + rows.length, 0);
}

interface PageAnswer {
  data?: { orders: { edges: { node: { lines?: unknown[]; history?: unknown[]; erpReferences?: unknown[] } }[] } };
  errors?: unknown[];
}

/** One GraphQL request; throws unless the answer is a full page with every child the seed wrote. */
export async function askGraphQL(port: number, key: string, query: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await res.json()) as PageAnswer;
  const edges = body.data?.orders.edges ?? [];
  const whole = edges.every(({ node }) =>
    (node.lines === undefined || node.lines.length === LINES) && (node.history === undefined || node.history.length === HISTORY)
    && (node.erpReferences === undefined || node.erpReferences.length === 1));
  if (body.errors || edges.length !== PAGE_SIZE || !whole) throw new Error(`unexpected answer (HTTP ${res.status}): ${JSON.stringify(body).slice(0, 300)}`);
}

export interface Timing {
  readonly clients: number;
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly perSecond: number;
}

/** `requests` calls of `send` spread over `clients` concurrent clients, after `warmup` untimed ones. */
export async function timeClients(send: () => Promise<unknown>, clients: number, requests: number, warmup: number): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await send();
  const latencies: number[] = [];
  let left = requests;
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (left > 0) {
      left -= 1;
      const t0 = performance.now();
      await send();
      latencies.push(performance.now() - t0);
    }
  }));
  const elapsed = performance.now() - started;
  const summary = summarise(Float64Array.from(latencies));
  return { clients, requests, p50: summary.p50, p99: summary.p99, perSecond: (requests * 1000) / elapsed };
}
