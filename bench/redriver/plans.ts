/** EXPLAIN (FORMAT JSON) of a statement, boiled down to what the benchmark prints. */
import type pg from 'pg';

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Index Name'?: string;
  readonly 'Join Filter'?: string;
  readonly Filter?: string;
  readonly 'Index Cond'?: string;
  readonly 'Hash Cond'?: string;
  readonly 'Merge Cond'?: string;
  readonly Plans?: readonly PlanNode[];
}

export interface PlanSummary {
  /** Node types top-down, with the index scanned where there is one; "+OR" marks a condition with an OR. */
  readonly nodes: string[];
  /** A nested loop that tests an OR between its two sides: every pair of rows tested. */
  readonly nestedLoopWithOr: boolean;
}

const CONDITIONS = ['Join Filter', 'Filter', 'Index Cond', 'Hash Cond', 'Merge Cond'] as const;
const hasOr = (node: PlanNode) => CONDITIONS.some((c) => / OR /.test(node[c] ?? ''));

function walk(node: PlanNode, out: { nodes: string[]; nestedLoopWithOr: boolean }, underNestedLoop: boolean): void {
  const name = node['Index Name'] ? `${node['Node Type']}(${node['Index Name']})` : node['Node Type'];
  out.nodes.push(hasOr(node) ? `${name}+OR` : name);
  // The OR sits on the loop itself, or on the inner scan it re-runs for every outer row.
  if (hasOr(node) && (node['Node Type'] === 'Nested Loop' || (underNestedLoop && node['Node Type'].includes('Scan')))) out.nestedLoopWithOr = true;
  for (const child of node.Plans ?? []) walk(child, out, underNestedLoop || node['Node Type'] === 'Nested Loop');
}

/** `analyze` runs the statement; leave it off for one that may not finish. */
export async function explain(db: pg.Client, sql: string, params: unknown[], analyze: boolean): Promise<PlanSummary> {
  const result = await db.query(`EXPLAIN (FORMAT JSON${analyze ? ', ANALYZE' : ''}) ${sql}`, params);
  const plan = (result.rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0].Plan;
  const out = { nodes: [] as string[], nestedLoopWithOr: false };
  walk(plan, out, false);
  return out;
}

export function formatPlan(label: string, plan: PlanSummary): string {
  return `  ${label}: ${plan.nodes.join(' > ')}${plan.nestedLoopWithOr ? '  [NESTED LOOP WITH OR]' : ''}`;
}
