import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { RefundStore } from './persistence/refund-store.js';
import { restateCase } from './persistence/restate-case.js';

/**
 * What the settlements module tells returns: a refund's money showed up in a settlement or
 * payout report. The refund stops being a refund exception; a credited one becomes SETTLED.
 * Marking twice keeps the first report.
 */
@Injectable()
export class RefundSettlementsService {
  private readonly refunds = new RefundStore();

  /** False when no refund with that channel id is known (the report is ahead of the channel's webhook). */
  async markRefundSettled(runner: QueryRunner, refundRef: string, settledAt: Date, reportRef: string, channel: string | null = null): Promise<boolean> {
    const marked = await this.refunds.markSettled(runner, channel, refundRef, settledAt, reportRef);
    if (!marked) return false;
    await restateCase(runner, marked.caseId);
    return true;
  }
}
