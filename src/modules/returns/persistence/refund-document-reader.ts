import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Disposition, RefundComponent, RefundTransaction } from '../../../canonical/return.js';

/** Units of one disposition; `place` when they went to a channel account's location (its LOCATION mapping). */
export interface DispositionGroup {
  readonly disposition: Disposition;
  readonly quantity: number;
  readonly place: { readonly channel: string; readonly account: string; readonly locationRef: string } | null;
}

/** A refund as its ERP credit is built from it: the money, the case's order, and what the warehouse decided per line. */
export interface RefundForCredit {
  readonly refundId: string;
  readonly externalId: string;
  readonly state: string;
  readonly channel: string;
  readonly account: string;
  readonly orderId: string | null;
  readonly currency: string;
  readonly total: bigint;
  readonly processedAt: Date;
  readonly components: readonly RefundComponent[];
  readonly transactions: readonly RefundTransaction[];
  /** Per order line, the units of each disposition, in the order they were decided, and where a channel account's own place took them. */
  readonly dispositions: ReadonlyMap<string, readonly DispositionGroup[]>;
  /** Per order line, the reason the customer gave. */
  readonly reasons: ReadonlyMap<string, string>;
}

type Row = Record<string, unknown>;

/** The returns module's read of one refund for its credit document: one statement. */
@Injectable()
export class RefundDocumentReader {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async forCredit(refundId: string): Promise<RefundForCredit | null> {
    const [row]: { r: Row | null }[] = await this.dataSource.query(
      `SELECT (SELECT to_json(x) FROM (
         SELECT r.id, r.external_id, r.state, r.channel, r.account, c.order_id, r.currency_code, r.total::text AS total, r.processed_at,
           coalesce((SELECT json_agg(json_build_object('kind', p.kind, 'amount', p.amount::text, 'currency', p.currency_code, 'lineRef', p.line_ref,
                       'quantity', p.quantity, 'restockType', p.restock_type, 'locationRef', p.location_ref) ORDER BY p.position)
                     FROM return_refund_components p WHERE p.refund_id = r.id), '[]') AS components,
           coalesce((SELECT json_agg(json_build_object('externalId', t.external_id, 'tender', t.tender, 'gateway', t.gateway, 'status', t.status,
                       'amount', t.amount::text, 'currency', t.currency_code) ORDER BY t.external_id)
                     FROM return_refund_transactions t WHERE t.refund_id = r.id), '[]') AS transactions,
           coalesce((SELECT json_agg(json_build_object('lineRef', d.line_ref, 'disposition', d.disposition, 'quantity', d.quantity,
                       'locationRef', d.location_ref, 'locationChannel', d.location_channel, 'locationAccount', d.location_account) ORDER BY d.id)
                     FROM return_dispositions d WHERE d.case_id = r.case_id), '[]') AS dispositions,
           coalesce((SELECT json_agg(json_build_object('lineRef', l.line_ref, 'reason', l.reason))
                     FROM return_lines l WHERE l.case_id = r.case_id AND l.reason IS NOT NULL), '[]') AS reasons
         FROM return_refunds r JOIN return_cases c ON c.id = r.case_id WHERE r.id = $1) x) AS r`,
      [refundId],
    );
    const r = row?.r;
    if (!r) return null;
    const money = (amount: unknown, currency: unknown) => ({ amount: BigInt(amount as string), currency: (currency as string).trim() });
    const dispositions = new Map<string, DispositionGroup[]>();
    for (const d of r.dispositions as Row[]) {
      const list = dispositions.get(d.lineRef as string) ?? [];
      const place = d.locationChannel && d.locationAccount && d.locationRef
        ? { channel: d.locationChannel as string, account: d.locationAccount as string, locationRef: d.locationRef as string } : null;
      list.push({ disposition: d.disposition as Disposition, quantity: d.quantity as number, place });
      dispositions.set(d.lineRef as string, list);
    }
    return {
      refundId: r.id as string, externalId: r.external_id as string, state: r.state as string, channel: r.channel as string,
      account: r.account as string, orderId: (r.order_id as string | null) ?? null, currency: (r.currency_code as string).trim(),
      total: BigInt(r.total as string), processedAt: new Date(r.processed_at as string),
      components: (r.components as Row[]).map((c) => ({
        kind: c.kind as RefundComponent['kind'], amount: money(c.amount, c.currency), lineRef: (c.lineRef as string | null) ?? null,
        quantity: c.quantity as number, restockType: (c.restockType as string | null) ?? null, locationRef: (c.locationRef as string | null) ?? null,
      })),
      transactions: (r.transactions as Row[]).map((t) => ({
        externalId: t.externalId as string, tender: t.tender as RefundTransaction['tender'], gateway: t.gateway as string,
        status: t.status as RefundTransaction['status'], amount: money(t.amount, t.currency),
      })),
      dispositions,
      reasons: new Map((r.reasons as Row[]).map((l) => [l.lineRef as string, l.reason as string])),
    };
  }
}
