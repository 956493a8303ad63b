/** What the hub's own tables say about a bench run, and the side-by-side table against the baseline. */
import type pg from 'pg';

export interface HubMeasure {
  readonly posted: number;
  readonly maxAttempts: number;
  /** First attempt → last posted_at. */
  readonly seconds: number;
  readonly backlog: { readonly posted: number; readonly seconds: number };
  /** --backlog-first: release → last posted_at, and release → first attempt. */
  readonly released: { readonly seconds: number; readonly firstAttemptMs: number } | null;
  /** Receipt → ERP ack, sorted. */
  readonly latencies: readonly number[];
  readonly queueMsP50: number;
  readonly attemptMsP50: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * The backlog phase starts once every posting exists (the webhooks are all in) and may be
 * posted (with --backlog-first, once it is released): from then on posting alone drives the ERP.
 */
export async function measureHub(pool: pg.Pool, releasedAt: number | null): Promise<HubMeasure> {
  const released = releasedAt === null ? null : new Date(releasedAt);
  const { rows: [window] } = await pool.query<{ first_attempt: Date; last_posted: Date; max_attempts: number; n: string }>(
    `SELECT min(first_attempt_at) AS first_attempt, max(posted_at) AS last_posted, max(attempts) AS max_attempts, count(*) AS n
       FROM postings WHERE status = 'POSTED'`);
  const { rows: [backlog] } = await pool.query<{ from: Date; last: Date; n: string }>(
    `WITH b AS (SELECT greatest(max(created_at), $1::timestamptz) AS from FROM postings)
     SELECT b.from, max(p.posted_at) AS last, count(*) FILTER (WHERE p.posted_at > b.from) AS n
       FROM postings p CROSS JOIN b WHERE p.status = 'POSTED' GROUP BY b.from`, [released]);
  const { rows: lat } = await pool.query<{ ms: number }>(
    `SELECT extract(epoch FROM (p.posted_at - min(i.received_at))) * 1000 AS ms
       FROM postings p JOIN order_source_events e ON e.order_id = p.order_id JOIN inbox i ON i.id = e.inbox_id
      WHERE p.status = 'POSTED' GROUP BY p.id, p.posted_at`);
  const { rows: [stage] } = await pool.query<{ queue_ms: number; attempt_ms: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (first_attempt_at - created_at)) * 1000) AS queue_ms,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM (posted_at - first_attempt_at)) * 1000) AS attempt_ms
       FROM postings WHERE status = 'POSTED'`);
  const last = window.last_posted.getTime();
  return {
    posted: Number(window.n),
    maxAttempts: window.max_attempts,
    seconds: (last - window.first_attempt.getTime()) / 1000,
    backlog: { posted: Number(backlog.n), seconds: (backlog.last.getTime() - backlog.from.getTime()) / 1000 },
    released: releasedAt === null ? null : { seconds: (last - releasedAt) / 1000, firstAttemptMs: window.first_attempt.getTime() - releasedAt },
    latencies: lat.map((r) => Number(r.ms)).sort((a, b) => a - b),
    queueMsP50: Number(stage.queue_ms),
    attemptMsP50: Number(stage.attempt_ms),
  };
}

export interface Row {
  readonly label: string;
  readonly throughput: number;
}

/** Throughput and efficiency of each row, and each hub row as a share of the baseline's. */
export function sideBySide(ceiling: number, baseline: Row | null, hub: readonly Row[]): string[] {
  const rows = baseline ? [baseline, ...hub] : hub;
  const width = Math.max(...rows.map((r) => r.label.length));
  const cell = (r: Row, ratio: string): string =>
    `  ${r.label.padEnd(width)}  ${`${r.throughput.toFixed(1)}/s`.padStart(9)}  ${(r.throughput / ceiling).toFixed(3).padStart(10)}  ${ratio.padStart(14)}`;
  return [
    `\nside by side (ceiling ${ceiling.toFixed(1)}/s)`,
    `  ${''.padEnd(width)}  ${'throughput'.padStart(9)}  ${'efficiency'.padStart(10)}  ${'hub / baseline'.padStart(14)}`,
    ...(baseline ? [cell(baseline, '–')] : []),
    ...hub.map((r) => cell(r, baseline ? (r.throughput / baseline.throughput).toFixed(3) : 'no baseline')),
  ];
}
