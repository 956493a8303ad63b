import type { QueryRunner } from 'typeorm';
import type { CanonicalRefund, RefundTransaction } from '../../../canonical/return.js';
import { returnedRows } from '../../../platform/database/sql.js';
import type { RefundState } from '../domain/case-status.js';

export interface StoredRefund {
  readonly id: string;
  readonly state: RefundState;
  /** True when this event stored the refund for the first time. */
  readonly created: boolean;
}


/** The returns module's refund rows: one per channel refund, its parts written once, its transactions brought up to date. */
export class RefundStore {
  /**
   * Stores the refund, or brings its transactions up to date when the channel reports it again
   * (a pending transaction that has since succeeded or failed). Parts are the channel's figures
   * at creation and never change; a final transaction status never goes back to PENDING.
   */
  async upsert(runner: QueryRunner, caseId: string, channel: string, account: string, refund: CanonicalRefund, currency: string, total: bigint): Promise<StoredRefund> {
    const inserted: { id: string; state: RefundState }[] = await runner.query(
      `INSERT INTO return_refunds (case_id, channel, account, external_id, state, currency_code, total, processed_at, note)
       VALUES ($1, $2, $3, $4, 'WAITING', $5, $6, $7, $8)
       ON CONFLICT ON CONSTRAINT return_refunds_once DO NOTHING RETURNING id, state`,
      [caseId, channel, account, refund.externalId, currency, total.toString(), refund.processedAt, refund.note],
    );
    if (inserted[0]) {
      await this.writeParts(runner, inserted[0].id, refund);
      await this.writeTransactions(runner, inserted[0].id, refund.transactions);
      return { ...inserted[0], created: true };
    }
    const [existing]: { id: string; state: RefundState }[] = await runner.query(
      'SELECT id, state FROM return_refunds WHERE channel = $1 AND account = $2 AND external_id = $3 FOR UPDATE',
      [channel, account, refund.externalId],
    );
    await this.writeTransactions(runner, existing.id, refund.transactions);
    return { ...existing, created: false };
  }

  private async writeParts(runner: QueryRunner, refundId: string, refund: CanonicalRefund): Promise<void> {
    const c = refund.components;
    if (c.length === 0) return;
    await runner.query(
      `INSERT INTO return_refund_components (refund_id, position, kind, line_ref, quantity, restock_type, location_ref, currency_code, amount)
       SELECT $1, u.position, u.kind, u.line_ref, u.quantity, u.restock_type, u.location_ref, u.currency, u.amount
       FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::bigint[])
         AS u(position, kind, line_ref, quantity, restock_type, location_ref, currency, amount)`,
      [
        refundId, c.map((_, i) => i), c.map((x) => x.kind), c.map((x) => x.lineRef), c.map((x) => x.quantity), c.map((x) => x.restockType),
        c.map((x) => x.locationRef), c.map((x) => x.amount.currency), c.map((x) => x.amount.amount.toString()),
      ],
    );
  }

  private async writeTransactions(runner: QueryRunner, refundId: string, transactions: readonly RefundTransaction[]): Promise<void> {
    if (transactions.length === 0) return;
    const t = transactions;
    await runner.query(
      `INSERT INTO return_refund_transactions (refund_id, external_id, tender, gateway, status, currency_code, amount)
       SELECT $1, u.external_id, u.tender, u.gateway, u.status, u.currency, u.amount
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[]) AS u(external_id, tender, gateway, status, currency, amount)
       ON CONFLICT (refund_id, external_id) DO UPDATE SET status = excluded.status
         WHERE return_refund_transactions.status = 'PENDING' AND excluded.status <> 'PENDING'`,
      [refundId, t.map((x) => x.externalId), t.map((x) => x.tender), t.map((x) => x.gateway), t.map((x) => x.status), t.map((x) => x.amount.currency), t.map((x) => x.amount.amount.toString())],
    );
  }

  /** The refund as stored now: its parts and transactions, in canonical terms. */
  async load(runner: QueryRunner, refundId: string): Promise<CanonicalRefund> {
    const [head]: { external_id: string; processed_at: Date; note: string | null }[] = await runner.query(
      'SELECT external_id, processed_at, note FROM return_refunds WHERE id = $1',
      [refundId],
    );
    const parts: Record<string, unknown>[] = await runner.query(
      'SELECT kind, line_ref, quantity, restock_type, location_ref, currency_code, amount::text AS amount FROM return_refund_components WHERE refund_id = $1 ORDER BY position',
      [refundId],
    );
    const txs: Record<string, unknown>[] = await runner.query(
      'SELECT external_id, tender, gateway, status, currency_code, amount::text AS amount FROM return_refund_transactions WHERE refund_id = $1 ORDER BY external_id',
      [refundId],
    );
    return {
      externalId: head.external_id,
      processedAt: new Date(head.processed_at).toISOString(),
      note: head.note,
      components: parts.map((p) => ({
        kind: p.kind as never, lineRef: p.line_ref as string | null, quantity: p.quantity as number, restockType: p.restock_type as string | null,
        locationRef: p.location_ref as string | null, amount: { amount: BigInt(p.amount as string), currency: (p.currency_code as string).trim() },
      })),
      transactions: txs.map((t) => ({
        externalId: t.external_id as string, tender: t.tender as never, gateway: t.gateway as string, status: t.status as never,
        amount: { amount: BigInt(t.amount as string), currency: (t.currency_code as string).trim() },
      })),
    };
  }

  /** What the order's other refunds already took back (those accepted as money that moved). */
  async refundedBefore(runner: QueryRunner, channel: string, account: string, orderExternalId: string, exceptRefundId: string): Promise<bigint> {
    const [row]: { total: string }[] = await runner.query(
      `SELECT coalesce(sum(r.total), 0)::text AS total FROM return_refunds r JOIN return_cases c ON c.id = r.case_id
       WHERE c.channel = $1 AND c.account = $2 AND c.order_external_id = $3 AND r.id <> $4 AND r.state IN ('READY', 'CREDITED', 'SETTLED')`,
      [channel, account, orderExternalId, exceptRefundId],
    );
    return BigInt(row.total);
  }

  /**
   * The returned value the case's exchange items took instead of money back: one EXCHANGE_CREDIT
   * part (negative), the refund's total (the money back) brought down to match. Once per refund.
   */
  async addExchangeCredit(runner: QueryRunner, refundId: string, amount: bigint, currency: string): Promise<boolean> {
    const [done] = returnedRows<{ refund_id: string }>(await runner.query(
      `INSERT INTO return_refund_components (refund_id, position, kind, currency_code, amount)
       SELECT $1, coalesce(max(position), -1) + 1, 'EXCHANGE_CREDIT', $3, $2 FROM return_refund_components WHERE refund_id = $1
         AND NOT EXISTS (SELECT 1 FROM return_refund_components WHERE refund_id = $1 AND kind = 'EXCHANGE_CREDIT')
       RETURNING refund_id`,
      [refundId, (-amount).toString(), currency],
    ));
    if (!done) return false;
    await runner.query('UPDATE return_refunds SET total = total - $2, updated_at = now() WHERE id = $1', [refundId, amount.toString()]);
    return true;
  }

  /** The refund's total as its order's tax rule makes it (a refund stored before its order was known was totalled without it). */
  async setTotal(runner: QueryRunner, refundId: string, total: bigint): Promise<void> {
    await runner.query('UPDATE return_refunds SET total = $2, updated_at = now() WHERE id = $1 AND total <> $2', [refundId, total.toString()]);
  }

  /** The case's refunds held because their parts exceed the money paid back: an exchange may account for it. */
  async heldOnMismatch(runner: QueryRunner, caseId: string): Promise<string[]> {
    const rows: { id: string }[] = await runner.query(
      `SELECT id FROM return_refunds WHERE case_id = $1 AND state = 'HELD' AND reason = 'REFUND_COMPONENTS_MISMATCH' ORDER BY processed_at, id FOR UPDATE`,
      [caseId],
    );
    return rows.map((r) => r.id);
  }

  async setState(runner: QueryRunner, refundId: string, state: RefundState, reason: string | null, detail: string | null): Promise<void> {
    await runner.query('UPDATE return_refunds SET state = $2, reason = $3, detail = $4, updated_at = now() WHERE id = $1', [refundId, state, reason, detail]);
  }

  /** Refunds that came before their order (WAITING, ORDER_UNKNOWN), row-locked, with their cases. */
  async waitingForOrder(runner: QueryRunner, channel: string, account: string, orderExternalId: string): Promise<{ id: string; caseId: string }[]> {
    const rows: { id: string; case_id: string }[] = await runner.query(
      `SELECT r.id, r.case_id FROM return_refunds r JOIN return_cases c ON c.id = r.case_id
       WHERE c.channel = $1 AND c.account = $2 AND c.order_external_id = $3 AND r.state = 'WAITING' AND r.reason = 'ORDER_UNKNOWN'
       ORDER BY r.processed_at, r.id FOR UPDATE OF r`,
      [channel, account, orderExternalId],
    );
    return rows.map((r) => ({ id: r.id, caseId: r.case_id }));
  }

  async statesOf(runner: QueryRunner, caseId: string): Promise<RefundState[]> {
    const rows: { state: RefundState }[] = await runner.query('SELECT state FROM return_refunds WHERE case_id = $1', [caseId]);
    return rows.map((r) => r.state);
  }

  /** The refund row-locked, as the delivery engine holds it while it records a credit; null when gone. */
  async lock(runner: QueryRunner, refundId: string): Promise<{ id: string; caseId: string; state: RefundState } | null> {
    const rows: { id: string; case_id: string; state: RefundState }[] = await runner.query('SELECT id, case_id, state FROM return_refunds WHERE id = $1 FOR UPDATE', [refundId]);
    return rows[0] ? { id: rows[0].id, caseId: rows[0].case_id, state: rows[0].state } : null;
  }

  /** Why the case's money stopped: the first refund held, failed or waiting, with its reason. */
  async firstStopReason(runner: QueryRunner, caseId: string): Promise<string | null> {
    const [row]: { reason: string }[] = await runner.query(
      `SELECT reason FROM return_refunds WHERE case_id = $1 AND state IN ('HELD', 'FAILED', 'WAITING') AND reason IS NOT NULL ORDER BY created_at LIMIT 1`,
      [caseId],
    );
    return row?.reason ?? null;
  }

  /** Marks a refund settled by the report that paid it out; false when no such refund is known. */
  async markSettled(runner: QueryRunner, channel: string | null, refundRef: string, settledAt: Date, reportRef: string): Promise<{ caseId: string } | null> {
    const rows: { case_id: string }[] = await runner.query(
      // As a SELECT, so the driver answers with the rows (an UPDATE answers with rows and a count).
      `WITH marked AS (
         UPDATE return_refunds SET settled_at = coalesce(settled_at, $3), settlement_ref = coalesce(settlement_ref, $4),
           state = CASE WHEN state = 'CREDITED' THEN 'SETTLED' ELSE state END, updated_at = now()
         WHERE external_id = $2 AND ($1::text IS NULL OR channel = $1) RETURNING case_id
       ) SELECT case_id FROM marked`,
      [channel, refundRef, settledAt, reportRef],
    );
    return rows[0] ? { caseId: rows[0].case_id } : null;
  }
}
