import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { DeliversSubject, type DeliverySubject } from '../../../platform/delivery/document-builder.js';
import { OrderService, type OrderHead } from '../order.service.js';

const POSTED_REASON = 'posted to every ERP target it routes to';

/**
 * Orders as a subject of ERP postings. Its primary documents are its sales orders, one per
 * target the release routed it to; once the last of them landed, a RELEASED order becomes
 * POSTED through the state machine, with its history row. The engine calls this under the
 * order's row lock, which the release also takes to add sales orders, so it happens once.
 */
@Injectable()
@DeliversSubject('ORDER')
export class OrderDeliverySubject implements DeliverySubject<OrderHead> {
  constructor(@Inject(OrderService) private readonly orders: OrderService) {}

  lock(runner: QueryRunner, orderId: string): Promise<OrderHead | null> {
    return this.orders.lock(runner, { by: 'HUB', orderId, requestId: null });
  }

  async primaryDocumentsPosted(runner: QueryRunner, order: OrderHead, lineage: { readonly correlationId: string }): Promise<void> {
    // Cancelled, or already shipping: the sales orders landing changes nothing about the order.
    if (order.status !== 'RELEASED') return;
    await this.orders.transition(runner, order, 'POSTED', POSTED_REASON, lineage);
  }

  /** A sales order that does not add up to the order's money was not sent: the order is held, saying why. */
  async documentRefused(runner: QueryRunner, order: OrderHead, refusal: { readonly code: string; readonly message: string }, lineage: { readonly correlationId: string }): Promise<void> {
    if (refusal.code !== 'DOCUMENT_TOTAL_MISMATCH') return;
    await this.orders.hold(runner, order, 'DOCUMENT_TOTAL_MISMATCH', refusal.message, lineage);
  }
}
