import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { MoneyModel } from '../../orders/graphql/order.model.js';

@ObjectType('SettlementLine', { description: 'One ledger component: EXPECTED (the hub) or REPORTED (a report line), append-only.' })
export class SettlementLineModel {
  @Field(() => ID) id: string;
  @Field({ description: 'EXPECTED or REPORTED.' }) side: string;
  @Field({ description: 'PRINCIPAL, TAX, SHIPPING, DISCOUNT, FEE, REFUND, GIFT_CARD, RESERVE_HOLD, RESERVE_RELEASE, CHARGEBACK, CHARGEBACK_FEE, ADJUSTMENT, PAYOUT, BANK_DEPOSIT or UNKNOWN.' })
  component: string;
  @Field(() => String, { nullable: true, description: "The provider's fee type (FEE only), mapped to a GL account through FEE_TYPE." }) feeType: string | null;
  @Field({ description: "The provider's own name for the line, e.g. Amazon's transaction|amount type|description." }) providerKey: string;
  @Field({ description: 'file:row, or the provider id.' }) lineage: string;
  @Field() channel: string;
  @Field(() => String, { nullable: true }) orderRef: string | null;
  @Field(() => String, { nullable: true }) transactionRef: string | null;
  @Field(() => String, { nullable: true }) pspReference: string | null;
  @Field(() => String, { nullable: true }) payoutRef: string | null;
  @Field(() => MoneyModel) amount: MoneyModel;
  @Field(() => Date, { nullable: true }) eventAt: Date | null;
  @Field(() => Date, { nullable: true }) postedAt: Date | null;
  @Field(() => ID, { nullable: true, description: 'The match that consumed this line; null while unmatched.' }) matchId: string | null;
  // match: SettlementChildrenResolver.
}

@ObjectType('SettlementMatch', { description: 'Items consumed together: each line takes part in at most one match.' })
export class SettlementMatchModel {
  @Field(() => ID) id: string;
  @Field() rule: string;
  @Field({ description: 'ORDER_LINE, PAYOUT_BANK, ORDER_ERP or REFUND.' }) kind: string;
  @Field({ description: 'Minor units a tolerance absorbed (kept as a ROUNDING break).' }) toleranceUsed: string;
  @Field() matchedAt: Date;
  // items: SettlementChildrenResolver.
}

@ObjectType('Settlement', { description: 'One imported report: an Amazon settlement, a Shopify or Stripe payout, an Adyen batch, a bank statement.' })
export class SettlementModel {
  @Field(() => ID) id: string;
  @Field() format: string;
  @Field({ description: 'Settlement id, payout id or batch number; the file hash when the format has none.' }) reportId: string;
  @Field() channel: string;
  @Field({ description: 'IMPORTED or CONTROL_TOTAL_FAILED.' }) status: string;
  @Field(() => MoneyModel, { description: 'The total the report states.' }) controlExpected: MoneyModel;
  @Field(() => MoneyModel, { description: 'The total its lines give.' }) controlActual: MoneyModel;
  @Field(() => Int) lineCount: number;
  @Field() importedBy: string;
  @Field() importedAt: Date;
  // lines, breaks: SettlementChildrenResolver.
}

@ObjectType('Payout', { description: "A provider's payout (or an Amazon settlement's deposit) as its report states it." })
export class PayoutModel {
  @Field(() => ID, { description: 'The PAYOUT line.' }) id: string;
  @Field() payoutRef: string;
  @Field() channel: string;
  @Field(() => String, { nullable: true, description: "The provider's status (PAID, FAILED, …) where it gives one." }) status: string | null;
  @Field(() => MoneyModel) amount: MoneyModel;
  @Field(() => Date, { nullable: true }) at: Date | null;
  @Field(() => ID) settlementId: string;
  @Field(() => ID, { nullable: true, description: 'The match with its bank line; null while unmatched.' }) matchId: string | null;
  // lines, bankLines, match: PayoutChildrenResolver.
}

@ObjectType('SettlementBreakAction')
export class SettlementBreakActionModel {
  @Field({ description: 'ACKNOWLEDGE, RESOLVE or AUTO_CLOSE.' }) action: string;
  @Field() actor: string;
  @Field(() => String, { nullable: true }) note: string | null;
  @Field() actedAt: Date;
}

@ObjectType('SettlementBreak', { description: 'A difference the hub cannot explain by itself, with its exact amount.' })
export class SettlementBreakModel {
  @Field(() => ID) id: string;
  @Field() category: string;
  @Field({ description: 'OPEN, ACKNOWLEDGED or RESOLVED.' }) status: string;
  @Field(() => MoneyModel) amount: MoneyModel;
  @Field() channel: string;
  @Field() explanation: string;
  @Field(() => Int, { description: 'Whole days since it opened.' }) ageDays: number;
  @Field() openedAt: Date;
  @Field() statusAt: Date;
  @Field(() => String, { nullable: true }) statusBy: string | null;
  @Field(() => String, { nullable: true }) note: string | null;
  @Field(() => ID, { nullable: true }) settlementId: string | null;
  @Field(() => ID, { nullable: true }) lineId: string | null;
  @Field(() => ID, { nullable: true }) matchId: string | null;
  // actions: SettlementChildrenResolver.
}

@ObjectType('SettlementPageInfo')
export class SettlementPageInfoModel {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

@ObjectType('SettlementConnection')
export class SettlementConnectionModel {
  @Field(() => [SettlementModel]) nodes: SettlementModel[];
  @Field(() => SettlementPageInfoModel) pageInfo: SettlementPageInfoModel;
}

@ObjectType('PayoutConnection')
export class PayoutConnectionModel {
  @Field(() => [PayoutModel]) nodes: PayoutModel[];
  @Field(() => SettlementPageInfoModel) pageInfo: SettlementPageInfoModel;
}

@ObjectType('SettlementBreakConnection')
export class SettlementBreakConnectionModel {
  @Field(() => [SettlementBreakModel]) nodes: SettlementBreakModel[];
  @Field(() => SettlementPageInfoModel) pageInfo: SettlementPageInfoModel;
}

@InputType('SettlementFilter')
export class SettlementFilterInput {
  @Field(() => String, { nullable: true }) channel?: string;
  @Field(() => String, { nullable: true }) format?: string;
  @Field(() => String, { nullable: true }) status?: string;
}

@InputType('PayoutFilter')
export class PayoutFilterInput {
  @Field(() => String, { nullable: true }) channel?: string;
  @Field(() => Boolean, { nullable: true, description: 'true: only payouts matched to a bank line; false: only unmatched ones.' }) matched?: boolean;
}

@InputType('BreakFilter')
export class BreakFilterInput {
  @Field(() => String, { nullable: true }) category?: string;
  @Field(() => String, { nullable: true }) channel?: string;
  @Field(() => Int, { nullable: true, description: 'Only breaks open at least this many days.' }) minAge?: number;
  @Field(() => String, { nullable: true, description: 'OPEN, ACKNOWLEDGED or RESOLVED; default: all but RESOLVED.' }) status?: string;
}

@InputType('ReconciliationPeriod')
export class ReconciliationPeriodInput {
  @Field({ description: 'Inclusive.' }) from: Date;
  @Field({ description: 'Exclusive.' }) to: Date;
}

@ObjectType('ReconciliationRow', { description: 'One channel, component and currency over the period, by the lines\' event time.' })
export class ReconciliationRowModel {
  @Field() channel: string;
  @Field() component: string;
  @Field() currency: string;
  @Field(() => MoneyModel, { description: 'What the hub expects.' }) expected: MoneyModel;
  @Field(() => MoneyModel, { description: 'What the reports say.' }) reported: MoneyModel;
  @Field(() => MoneyModel, { description: 'Reported and consumed by a match.' }) matched: MoneyModel;
  @Field(() => MoneyModel, { description: 'Reported and not (yet) matched.' }) unmatched: MoneyModel;
  @Field(() => MoneyModel, { description: 'reported − expected; for components the hub expects nothing of (fees, reserves), the reported amount.' }) variance: MoneyModel;
}

@ObjectType('Reconciliation')
export class ReconciliationModel {
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => [ReconciliationRowModel]) rows: ReconciliationRowModel[];
  @Field(() => Int, { description: 'Breaks not resolved, opened in the period.' }) openBreaks: number;
}

@ObjectType('OrderSettlement', {
  description: "The order's money trail: what the channel should pay (expected), the ERP's posted totals (erp), the report lines that settled it, their payouts and the bank lines those payouts matched.",
})
export class OrderSettlementModel {
  @Field(() => ID) orderId: string;
  channel: string;
  externalId: string;
  orderNumber: string;
  currencyCode: string;
  // expected, settled, payouts, bankLines, variance: OrderSettlementResolver; erp: erp-sync's OrderSettlementErpResolver.
}

@ObjectType('BreakActionResult')
export class BreakActionResultModel {
  @Field(() => ID) id: string;
  @Field() status: string;
  @Field() statusBy: string;
  @Field() note: string;
}
