import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { afterCommit } from '../../../platform/database/sql.js';
import { DeliversSubject, type DeliverySubject } from '../../../platform/delivery/document-builder.js';
import { RefundStore } from '../persistence/refund-store.js';
import { restateCase } from '../persistence/restate-case.js';
import { ReturnMetrics } from '../return-metrics.js';

interface RefundHead {
  readonly id: string;
  readonly caseId: string;
  readonly state: string;
}

/**
 * Refunds as a subject of ERP postings. Their credit memos act on the order's sales order, so
 * none is a primary document: the refund hears of each credit that landed, and becomes CREDITED
 * once every target has one. A credit refused for not adding up holds the refund with the reason.
 */
@Injectable()
@DeliversSubject('REFUND')
export class RefundDeliverySubject implements DeliverySubject<RefundHead> {
  private readonly refunds = new RefundStore();

  constructor(@Inject(ReturnMetrics) private readonly metrics: ReturnMetrics) {}

  lock(runner: QueryRunner, refundId: string): Promise<RefundHead | null> {
    return this.refunds.lock(runner, refundId);
  }

  async primaryDocumentsPosted(): Promise<void> {
    // A refund has no primary documents: every credit waits for its sales order.
  }

  async documentPosted(runner: QueryRunner, refund: RefundHead, posted: { documentType: string; openOfType: number }): Promise<void> {
    if (posted.documentType !== 'CREDIT_MEMO' || posted.openOfType > 0 || refund.state !== 'READY') return;
    await this.refunds.setState(runner, refund.id, 'CREDITED', null, null);
    const restated = await restateCase(runner, refund.caseId);
    const done = restated.completed;
    if (done) afterCommit(runner, async () => this.metrics.completed(done.channel, done.openedAt, done.completedAt));
  }

  async documentRefused(runner: QueryRunner, refund: RefundHead, refusal: { code: string; message: string }): Promise<void> {
    await this.refunds.setState(runner, refund.id, 'HELD', refusal.code, refusal.message);
    await restateCase(runner, refund.caseId);
  }
}
