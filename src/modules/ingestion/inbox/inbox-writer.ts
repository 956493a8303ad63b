import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { INGEST_QUEUE, PROCESS_INBOX_JOB, type ProcessInboxJob } from '../../../platform/queue/queue-names.js';
import { valuesClause } from '../../../platform/database/sql.js';
import { ingestJobOptions } from '../ingest-job-options.js';
import type { InboxWriteOutcome, NewInboxRow } from './inbox-status.js';
import { storableRow } from './storable-row.js';

interface Pending {
  readonly row: NewInboxRow;
  readonly resolve: (outcome: InboxWriteOutcome) => void;
  readonly reject: (error: unknown) => void;
}

const COLUMNS = 14;
/** PostgreSQL allows 65,535 bind parameters; stay well inside it. */
const MAX_BATCH = 500;

/**
 * Group commit for the inbox: deliveries that arrive while a write is in flight are
 * written together in one multi-row INSERT … ON CONFLICT DO NOTHING, then enqueued in
 * one pipelined addBulk. Each caller still learns its own outcome; nothing is answered
 * before its row is committed. Values are made storable first, and a batch PostgreSQL
 * still refuses is written again row by row, so one bad delivery fails only itself.
 */
@Injectable()
export class InboxWriter implements OnModuleDestroy {
  private readonly logger = new Logger(InboxWriter.name);
  private waiting: Pending[] = [];
  private flushing = false;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @InjectQueue(INGEST_QUEUE) private readonly queue: Queue<ProcessInboxJob>,
  ) {}

  write(row: NewInboxRow): Promise<InboxWriteOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row: storableRow(row), resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  async onModuleDestroy(): Promise<void> {
    while (this.flushing) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        await this.flush(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    let outcomes: InboxWriteOutcome[];
    try {
      outcomes = await this.insert(batch.map((pending) => pending.row));
    } catch (error) {
      if (batch.length > 1 && rowMayBeAtFault(error)) {
        for (const pending of batch) await this.flush([pending]);
        return;
      }
      // Never the body or the driver's detail (it can quote values): how many, which, and the SQLSTATE.
      const only = batch.length === 1 ? batch[0].row : null;
      this.logger.error({
        msg: 'inbox rows could not be stored',
        rows: batch.length,
        ...(only && { source: only.source, topic: only.topic, dedupeKey: only.dedupeKey }),
        code: sqlState(error),
        err: error instanceof Error ? error.message : String(error),
      });
      for (const pending of batch) pending.reject(error);
      return;
    }
    await this.enqueue(batch.map((pending) => pending.row), outcomes);
    batch.forEach((pending, index) => pending.resolve(outcomes[index]));
  }

  private async insert(rows: NewInboxRow[]): Promise<InboxWriteOutcome[]> {
    const params: unknown[] = [];
    for (const row of rows) {
      params.push(
        row.id, row.source, row.account, row.topic, row.dedupeKey, row.eventId, row.bodyHash, row.rawBody,
        row.redactedFields, JSON.stringify(row.headers), row.correlationId, row.status, row.error, row.triggeredAt,
      );
    }
    const inserted: { id: string }[] = await this.dataSource.query(
      `INSERT INTO inbox (id, source, account, topic, dedupe_key, event_id, body_hash, raw_body, redacted_fields,
                          headers, correlation_id, status, error, triggered_at)
       VALUES ${valuesClause(rows.length, COLUMNS)}
       ON CONFLICT (source, dedupe_key) DO NOTHING
       RETURNING id`,
      params,
    );
    const insertedIds = new Set(inserted.map((r) => r.id));
    const others = rows.filter((row) => !insertedIds.has(row.id));
    const existing = others.length === 0 ? [] : await this.findExisting(others);
    return rows.map((row) => {
      if (insertedIds.has(row.id)) return { kind: 'inserted', id: row.id };
      const found = existing.find((e) => e.source === row.source && e.dedupe_key === row.dedupeKey);
      if (!found) throw new Error(`inbox row for ${row.source}/${row.dedupeKey} neither inserted nor found`);
      return found.body_hash === row.bodyHash
        ? { kind: 'duplicate', id: found.id, status: found.status }
        : { kind: 'conflict', id: found.id };
    });
  }

  private findExisting(rows: NewInboxRow[]): Promise<{ id: string; source: string; dedupe_key: string; body_hash: string; status: never }[]> {
    return this.dataSource.query(
      `SELECT id, source, dedupe_key, body_hash, status FROM inbox
       WHERE (source, dedupe_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [rows.map((r) => r.source), rows.map((r) => r.dedupeKey)],
    );
  }

  /** A failed enqueue is not the caller's failure: the row is durable and the sweeper re-enqueues it. */
  private async enqueue(rows: NewInboxRow[], outcomes: InboxWriteOutcome[]): Promise<void> {
    const jobs = rows
      .filter((row, index) => outcomes[index].kind === 'inserted' && row.status === 'PENDING')
      .map((row) => ({
        name: PROCESS_INBOX_JOB,
        data: { inboxId: row.id, correlationId: row.correlationId },
        opts: ingestJobOptions(row.id),
      }));
    if (jobs.length === 0) return;
    try {
      await this.queue.addBulk(jobs);
    } catch (error) {
      this.logger.warn({ msg: 'enqueue failed; the sweeper will pick these rows up', rows: jobs.length, err: String(error) });
    }
  }
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A refusal PostgreSQL gave for the data (an SQLSTATE outside connection loss, shutdown and
 * resource classes) may be one row's fault; an unreachable database is every row's.
 */
function rowMayBeAtFault(error: unknown): boolean {
  const code = sqlState(error);
  const fromServer = typeof (error as { severity?: unknown }).severity === 'string';
  return fromServer && code !== undefined && !/^(08|53|57|58)/.test(code);
}
