import { Injectable, Module } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';

/** What an ERP target holds for an order's sales: the total it read back after posting. */
export interface PostedTotal {
  readonly orderId: string;
  readonly target: string;
  readonly status: string;
  /** Null until the sales order is posted and read back. */
  readonly erpTotal: bigint | null;
  readonly currency: string | null;
}

/** A sales document the hub posted to a target, as the ERP answered it: its number and the total it read back. */
export interface PostedDocument {
  readonly orderId: string;
  readonly documentType: string;
  readonly documentNumber: string | null;
  readonly internalId: string;
  readonly erpTotal: bigint | null;
  readonly currency: string | null;
  readonly postedAt: Date;
}

/** Sales-order (or cash-sale) postings of orders, for reconciliation (settlements compares them with what was settled). */
@Injectable()
export class PostedTotalsReader {
  async ofOrders(runner: QueryRunner, orderIds: readonly string[]): Promise<PostedTotal[]> {
    if (!orderIds.length) return [];
    const rows: { order_id: string; target_id: string; status: string; erp_total: string | null; erp_total_currency: string | null }[] = await runner.query(`
      SELECT p.order_id, p.target_id, p.status, p.erp_total::text AS erp_total, p.erp_total_currency FROM postings p
      WHERE p.order_id = ANY($1::uuid[]) AND p.document_type IN ('SALES_ORDER', 'CASH_SALE') ORDER BY p.order_id, p.target_id`, [orderIds]);
    return rows.map((r) => ({
      orderId: r.order_id, target: r.target_id, status: r.status, erpTotal: r.erp_total === null ? null : BigInt(r.erp_total), currency: r.erp_total_currency,
    }));
  }

  /** The sales documents the hub posted to `target` on the days from `from` to `to` (UTC), for comparing with the ERP's own export. */
  async postedTo(runner: QueryRunner, target: string, from: string, to: string): Promise<PostedDocument[]> {
    const rows: { order_id: string; document_type: string; erp_document_number: string | null; erp_internal_id: string; erp_total: string | null;
      erp_total_currency: string | null; posted_at: Date }[] = await runner.query(`
      SELECT p.order_id, p.document_type, p.erp_document_number, p.erp_internal_id, p.erp_total::text AS erp_total, p.erp_total_currency, p.posted_at
      FROM postings p
      WHERE p.target_id = $1 AND p.status = 'POSTED' AND p.document_type IN ('SALES_ORDER', 'CASH_SALE')
        AND p.posted_at >= $2::date AND p.posted_at < $3::date + 1
      ORDER BY p.posted_at, p.id`, [target, from, to]);
    return rows.map((r) => ({
      orderId: r.order_id, documentType: r.document_type, documentNumber: r.erp_document_number, internalId: r.erp_internal_id,
      erpTotal: r.erp_total === null ? null : BigInt(r.erp_total), currency: r.erp_total_currency, postedAt: r.posted_at,
    }));
  }
}

/** Imports nothing, so settlements can ask without depending on the posting pipeline's module. */
@Module({ providers: [PostedTotalsReader], exports: [PostedTotalsReader] })
export class PostedTotalsModule {}

