import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config.js';
import { PostedTotalsReader } from '../erp-sync/posted-totals.js';
import { MappingService } from '../master-data/mapping.service.js';
import { OrderService } from '../orders/order.service.js';
import { RefundSettlementsService } from '../returns/refund-settlements.service.js';
import { checkErpLeg, type ErpLegResult } from './erp-leg-check.js';
import { checkFeeTypes, type FeeTypeCheckResult } from './fee-type-check.js';
import { type OrderMatchResult } from './order-matcher.js';
import { matchOrdersInLanes } from './order-matching-lanes.js';
import { checkPayoutsReachedBank, type PayoutMismatchResult } from './payout-bank-mismatch.js';
import { matchPayoutsToBank, type PayoutBankResult } from './payout-bank-matcher.js';
import { matchRefunds, type RefundMatchResult } from './refund-matcher.js';
import { CAPTURE_CHANNELS } from './report-formats.js';
import { matchRetriedPayouts } from './retried-payout-matcher.js';
import { checkUnsettledOrders, type UnsettledOrdersResult } from './unsettled-orders.js';

export interface MatchingRun {
  readonly orders: OrderMatchResult;
  /** Orders a channel should have settled by now and none of its reports names (MISSING_IN_REPORT). */
  readonly unsettled: UnsettledOrdersResult;
  readonly erp: ErpLegResult;
  readonly refunds: RefundMatchResult;
  readonly feeTypes: FeeTypeCheckResult;
  readonly payouts: PayoutBankResult;
  /** Payouts past their bank window with no bank line of their amount (PAYOUT_MISMATCH). */
  readonly payoutMismatches: PayoutMismatchResult;
  /** Failed payouts matched to the later payout that carried their money again. */
  readonly retried: number;
}

/**
 * One matching pass over what is still open in the ledger, each leg in its own transaction:
 * orders, orders no report names, the ERP leg, refunds, fee types, retried payouts, payouts to the bank. Running it again after new data (a report,
 * an order, a mapping) closes the breaks that data explains.
 */
@Injectable()
export class SettlementMatchingService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OrderService) private readonly orders: OrderService,
    @Inject(RefundSettlementsService) private readonly refunds: RefundSettlementsService,
    @Inject(MappingService) private readonly mappings: MappingService,
    @Inject(PostedTotalsReader) private readonly posted: PostedTotalsReader,
  ) {}

  async run(now = new Date()): Promise<MatchingRun> {
    // The order leg runs in lanes on connections of its own, before this run holds one (the embedded database has a single session).
    const orders = await matchOrdersInLanes(this.db, this.orders, {}, CAPTURE_CHANNELS);
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const unsettled = await checkUnsettledOrders(runner, this.orders, this.config.settlementUnsettledDays);
      const erp = await checkErpLeg(runner, this.posted);
      const refunds = await matchRefunds(runner, this.refunds, this.config.refundSettlementDays, now);
      const feeTypes = await inTransaction(runner, () => checkFeeTypes(runner, this.mappings));
      const retried = await inTransaction(runner, () => matchRetriedPayouts(runner));
      const payouts = await inTransaction(runner, () => matchPayoutsToBank(runner, this.config.settlementBankDays));
      const payoutMismatches = await inTransaction(runner, () => checkPayoutsReachedBank(runner, this.config.settlementBankDays, now));
      return { orders, unsettled, erp, refunds, feeTypes, payouts, payoutMismatches, retried };
    } finally {
      await runner.release();
    }
  }
}

async function inTransaction<T>(runner: QueryRunner, work: () => Promise<T>): Promise<T> {
  await runner.startTransaction();
  try {
    const result = await work();
    await runner.commitTransaction();
    return result;
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  }
}
