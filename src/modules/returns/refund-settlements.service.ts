import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { RefundStore } from './persistence/refund-store.js';
import { restateCase } from './persistence/restate-case.js';

/**
 * What the settlements module tells returns: a refund's money showed up in a settlement or
 * payout report. The refund stops being a refund exception; a credited one becomes SETTLED.
 * Marking twice keeps the first report.
 */
/** A refund whose money moved and that no settlement has reported yet. */
export interface UnsettledRefund {
  readonly channel: string;
  readonly externalId: string;
  /** The channel's ids of the refund's money movements (a report names one of these, or the refund). */
  readonly transactionIds: readonly string[];
  /** Every money movement that succeeded, whatever it went back to: its id, gateway and amount (positive). */
  readonly movements: readonly { readonly externalId: string; readonly gateway: string; readonly amount: bigint }[];
  readonly currency: string;
  /** Positive: what went back to the customer, in minor units. */
  readonly total: bigint;
  readonly processedAt: Date;
}

@Injectable()
export class RefundSettlementsService {
  private readonly refunds = new RefundStore();

  /** Refunds whose money moved (READY or CREDITED) with no settlement yet, oldest first. */
  async unsettledRefunds(runner: QueryRunner): Promise<UnsettledRefund[]> {
    const rows: {
      channel: string; external_id: string; transaction_ids: string[]; movements: { id: string; gateway: string; amount: string }[]; currency: string; total: string; processed_at: Date;
    }[] = await runner.query(`
      SELECT r.channel, r.external_id, r.currency_code AS currency, r.total::text AS total, r.processed_at,
        coalesce((SELECT array_agg(t.external_id ORDER BY t.external_id) FROM return_refund_transactions t
                  WHERE t.refund_id = r.id AND t.status = 'SUCCESS' AND t.tender = 'ORIGINAL_PAYMENT'), '{}') AS transaction_ids,
        coalesce((SELECT json_agg(json_build_object('id', t.external_id, 'gateway', t.gateway, 'amount', t.amount::text) ORDER BY t.external_id)
                  FROM return_refund_transactions t WHERE t.refund_id = r.id AND t.status = 'SUCCESS'), '[]') AS movements
      FROM return_refunds r WHERE r.settled_at IS NULL AND r.state IN ('READY', 'CREDITED') ORDER BY r.processed_at, r.external_id`);
    return rows.map((r) => ({
      channel: r.channel, externalId: r.external_id, transactionIds: r.transaction_ids,
      movements: r.movements.map((m) => ({ externalId: m.id, gateway: m.gateway, amount: BigInt(m.amount) })), currency: r.currency.trim(), total: BigInt(r.total), processedAt: new Date(r.processed_at),
    }));
  }

  /** False when no refund with that channel id is known (the report is ahead of the channel's webhook). */
  async markRefundSettled(runner: QueryRunner, refundRef: string, settledAt: Date, reportRef: string, channel: string | null = null): Promise<boolean> {
    const marked = await this.refunds.markSettled(runner, channel, refundRef, settledAt, reportRef);
    if (!marked) return false;
    await restateCase(runner, marked.caseId);
    return true;
  }
}
