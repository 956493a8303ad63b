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
}

/** Imports nothing, so settlements can ask without depending on the posting pipeline's module. */
@Module({ providers: [PostedTotalsReader], exports: [PostedTotalsReader] })
export class PostedTotalsModule {}

