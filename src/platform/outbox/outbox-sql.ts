import type { DataSource } from 'typeorm';
import { returnedRows } from '../database/sql.js';

/**
 * The statements that read the same on every outbox table. The core never names a table: the
 * owning module passes its own (an identifier from its code, never from input), so the table
 * stays in its module's SQL and the module's own claim stays tuned for its table.
 */
export class OutboxSql {
  constructor(
    private readonly dataSource: DataSource,
    private readonly table: string,
  ) {
    if (!/^[a-z_]+$/.test(table)) throw new Error(`not an outbox table name: ${table}`);
  }

  /**
   * IN_FLIGHT and not touched for stuckAfterMs: its worker died mid-send. The receiver may have
   * the document, so the next attempt looks it up before sending again.
   */
  async recoverStuck(stuckAfterMs: number): Promise<number> {
    const rows = returnedRows(await this.dataSource.query(
      `UPDATE ${this.table} SET status = 'RETRYING', lookup_first = true, next_attempt_at = now(), updated_at = now(),
              last_error = 'in flight too long; the outcome is unknown', last_error_kind = 'AMBIGUOUS'
       WHERE status = 'IN_FLIGHT' AND updated_at < now() - ($1 * interval '1 millisecond') RETURNING id`,
      [stuckAfterMs],
    ));
    return rows.length;
  }

  /** A live worker vouches for the rows it has in flight, so that recovery leaves them alone. */
  async renew(ids: readonly string[]): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.table} SET updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'IN_FLIGHT'`, [[...ids]]);
  }
}
