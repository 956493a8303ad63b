import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MoneyModel } from '../../orders/graphql/order.model.js';

export enum StoreDayStatus { OPEN = 'OPEN', CLOSED = 'CLOSED', BALANCED = 'BALANCED', OVER = 'OVER', SHORT = 'SHORT', POSTED = 'POSTED' }
registerEnumType(StoreDayStatus, {
  name: 'StoreDayStatus',
  description: 'OPEN: not closed yet; BALANCED: counted = expected; OVER/SHORT: a variance whose journal is not posted to every target yet; '
    + 'POSTED: the variance journals are in every target; CLOSED: closed, but a variance journal is held for a person (refused).',
});

@InputType('StoreDayFilter')
export class StoreDayFilterInput {
  @Field(() => String, { nullable: true }) storeId?: string;
  @Field(() => String, { nullable: true, description: 'Defaults to every store channel' }) channel?: string;
  @Field(() => String, { nullable: true, description: 'First business date, YYYY-MM-DD (inclusive)' }) from?: string;
  @Field(() => String, { nullable: true, description: 'Last business date, YYYY-MM-DD (inclusive)' }) to?: string;
  @Field(() => StoreDayStatus, { nullable: true }) status?: StoreDayStatus;
}

@ObjectType('StoreDayCash', { description: 'One currency of the drawer: float + cash sales − cash refunds ± paid in/out = expected; variance = counted − expected.' })
export class StoreDayCashModel {
  @Field() currency: string;
  @Field(() => MoneyModel) openingFloat: MoneyModel;
  @Field(() => MoneyModel) expected: MoneyModel;
  @Field(() => MoneyModel) counted: MoneyModel;
  @Field(() => MoneyModel, { description: 'Positive: over; negative: short' }) variance: MoneyModel;
}

@ObjectType('StoreDayTransactionCount')
export class StoreDayTransactionCountModel {
  @Field({ description: 'SALE, RETURN, VOID, NO_SALE, PAID_IN, PAID_OUT' }) type: string;
  @Field(() => Int) count: number;
}

@ObjectType('StoreDayJournal', { description: 'A variance journal: the first books the variance, each restatement the change.' })
export class StoreDayJournalModel {
  @Field(() => ID) id: string;
  @Field({ description: 'The ERP key (NetSuite externalId)' }) externalId: string;
  @Field(() => Int) seq: number;
  @Field(() => MoneyModel, { description: 'Positive: over (debit cash); negative: short (credit cash)' }) amount: MoneyModel;
  @Field({ description: 'PENDING, POSTED or HELD' }) state: string;
  @Field(() => String, { nullable: true }) holdReason: string | null;
}

@ObjectType('StoreDayEvent')
export class StoreDayEventModel {
  @Field({ description: 'CLOSED, CLOSED_AGAIN_SAME, RECOUNTED or RESTATED (a transaction after the close)' }) kind: string;
  @Field() note: string;
  @Field(() => Date) at: Date;
}

@ObjectType('StoreDay', { description: "A store's business date (in the store's zone) with its till transactions and cash count." })
export class StoreDayModel {
  @Field(() => ID) id: string;
  @Field() channel: string;
  @Field() storeId: string;
  @Field({ description: 'YYYY-MM-DD' }) businessDate: string;
  @Field(() => StoreDayStatus) status: StoreDayStatus;
  @Field(() => Date, { nullable: true }) closedAt: Date | null;
  @Field(() => [String]) registers: string[];
  @Field(() => Int, { description: 'How many transactions came after the close and restated the day' }) restatements: number;
  @Field(() => [MoneyModel], { description: 'Expected cash, one per currency (see cash)' }) expected: MoneyModel[];
  @Field(() => [MoneyModel], { description: 'Counted cash, one per currency' }) counted: MoneyModel[];
  @Field(() => [MoneyModel], { description: 'Counted − expected, one per currency' }) variance: MoneyModel[];
  @Field(() => [StoreDayCashModel]) cash: StoreDayCashModel[];
  @Field(() => [StoreDayTransactionCountModel]) transactionCounts: StoreDayTransactionCountModel[];
  @Field(() => [StoreDayJournalModel]) journals: StoreDayJournalModel[];
  @Field(() => [StoreDayEventModel]) events: StoreDayEventModel[];
}
