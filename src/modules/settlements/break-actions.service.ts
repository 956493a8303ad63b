import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '../../platform/http/api-error.js';

export type BreakAction = 'ACKNOWLEDGE' | 'RESOLVE';

export interface BreakAfterAction {
  readonly id: string;
  readonly status: 'ACKNOWLEDGED' | 'RESOLVED';
  readonly statusBy: string;
  readonly note: string;
}

const NOTE_MAX = 2000;

/**
 * A person acknowledges a break (seen, being worked on) or resolves it (explained), always
 * with a note; the break's row and its audit row change in one statement, so there is no
 * status without its audit entry. A resolved break is final: matching opens a new one
 * under the same key if the difference comes back.
 */
@Injectable()
export class BreakActionsService {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async act(breakId: string, action: BreakAction, actor: string, note: string): Promise<BreakAfterAction> {
    if (!/^\d{1,18}$/.test(breakId)) throw new ApiError(400, 'VALIDATION_FAILED', 'id must be a break id', 'id');
    const text = typeof note === 'string' ? note.trim() : '';
    if (!text) throw new ApiError(400, 'VALIDATION_FAILED', 'a note is required', 'note');
    if (text.length > NOTE_MAX) throw new ApiError(400, 'VALIDATION_FAILED', `the note must be at most ${NOTE_MAX} characters`, 'note');
    const status = action === 'ACKNOWLEDGE' ? 'ACKNOWLEDGED' : 'RESOLVED';
    const rows: { id: string; before: string }[] = await this.db.query(`
      WITH target AS (
        SELECT id, status AS before FROM settlement_breaks WHERE id = $1 FOR UPDATE
      ), changed AS (
        UPDATE settlement_breaks b SET status = $2, status_by = $3, status_at = now(), note = $4
        FROM target t WHERE b.id = t.id AND t.before <> 'RESOLVED' AND NOT (t.before = 'ACKNOWLEDGED' AND $2 = 'ACKNOWLEDGED')
        RETURNING b.id
      ), audit AS (
        INSERT INTO settlement_break_actions (break_id, action, actor, note) SELECT id, $5, $3, $4 FROM changed RETURNING break_id
      )
      SELECT t.id::text AS id, t.before, (SELECT count(*) FROM audit)::int AS audited FROM target t`, [breakId, status, actor, text, action]);
    if (!rows.length) throw new ApiError(404, 'NOT_FOUND', `no break ${breakId}`, 'id');
    const before = rows[0].before;
    if (before === 'RESOLVED') throw new ApiError(409, 'CONFLICT', `break ${breakId} is already resolved`, 'id');
    if (before === 'ACKNOWLEDGED' && status === 'ACKNOWLEDGED') throw new ApiError(409, 'CONFLICT', `break ${breakId} is already acknowledged`, 'id');
    return { id: rows[0].id, status, statusBy: actor, note: text };
  }
}
