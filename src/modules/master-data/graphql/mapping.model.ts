import { Field, ID, InputType, Int, ObjectType, PartialType, registerEnumType } from '@nestjs/graphql';
import { ChannelEnum } from '../../orders/graphql/order.model.js';
import { MAPPING_KINDS } from '../mapping-kinds.js';

export const MappingKindEnum = Object.fromEntries(MAPPING_KINDS.map((k) => [k, k]));
registerEnumType(MappingKindEnum, { name: 'MappingKind' });

/**
 * A mapping's ERP side. Each kind fills its own fields (ITEM itemId; LOCATION locationId
 * and subsidiaryId; TAX_CODE taxCode; TENDER paymentMethod and clearingAccount; CUSTOMER
 * customerId; RETURN_REASON reason; FEE_TYPE glAccount; optionally TAX_CODE taxAccount and ITEM
 * lineType); the others are null. Typed fields
 * rather than a JSON scalar, so clients see the shape in the schema.
 */
@ObjectType('MappingTarget')
export class MappingTargetModel {
  @Field(() => String, { nullable: true }) itemId?: string | null;
  @Field(() => String, { nullable: true }) locationId?: string | null;
  @Field(() => String, { nullable: true }) subsidiaryId?: string | null;
  @Field(() => String, { nullable: true }) taxCode?: string | null;
  @Field(() => String, { nullable: true }) paymentMethod?: string | null;
  @Field(() => String, { nullable: true }) clearingAccount?: string | null;
  @Field(() => String, { nullable: true }) customerId?: string | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
  @Field(() => String, { nullable: true }) glAccount?: string | null;
  @Field(() => String, { nullable: true, description: 'TAX_CODE, optional: the tax liability account the jurisdiction is booked to (taxMode CHANNEL_AMOUNTS).' })
  taxAccount?: string | null;
  @Field(() => String, { nullable: true, description: 'ITEM, optional: the ERP line type an order charge is sent as (Business Central).' })
  lineType?: string | null;
}

@InputType('MappingTargetInput', { description: "Give exactly the mapping kind's fields (see MappingTarget)." })
/** The same fields as MappingTarget, as input: one list of target fields to keep in step. */
export class MappingTargetInput extends PartialType(MappingTargetModel, InputType) {}

@ObjectType('Mapping', { description: 'One version of a mapping; mappingKey is the same across its versions.' })
export class MappingModel {
  @Field(() => ID) id: string;
  @Field(() => ID) mappingKey: string;
  @Field(() => MappingKindEnum) kind: string;
  @Field(() => ChannelEnum) channel: string;
  @Field(() => String, { nullable: true, description: 'null: every account of the channel.' }) account: string | null;
  @Field(() => String, { nullable: true, description: 'null: every ERP target.' }) erpTarget: string | null;
  @Field({ description: "The channel-side key; for CUSTOMER, '*' is the account's default customer." }) sourceValue: string;
  @Field(() => MappingTargetModel) target: MappingTargetModel;
  @Field(() => Int) version: number;
  @Field() validFrom: Date;
  @Field(() => Date, { nullable: true, description: 'null: the current version.' }) validTo: Date | null;
  @Field() retired: boolean;
  @Field({ description: 'The API key name that made this version.' }) changedBy: string;
  @Field({ description: 'Why this version was made.' }) note: string;
  @Field() createdAt: Date;
}

@InputType('CreateMappingInput')
export class CreateMappingInput {
  @Field(() => MappingKindEnum) kind: string;
  @Field(() => ChannelEnum) channel: string;
  @Field(() => String, { nullable: true, description: 'Omit for every account of the channel.' }) account?: string | null;
  @Field(() => String, { nullable: true, description: 'Omit for every ERP target.' }) erpTarget?: string | null;
  @Field() sourceValue: string;
  @Field(() => MappingTargetInput) target: MappingTargetInput;
  @Field() note: string;
}

@InputType('MappingFilter')
export class MappingFilterInput {
  @Field(() => MappingKindEnum, { nullable: true }) kind?: string;
  @Field(() => ChannelEnum, { nullable: true }) channel?: string;
  @Field(() => String, { nullable: true, description: 'An exact account; "" for the rows that apply to every account.' }) account?: string;
  @Field(() => String, { nullable: true, description: 'An exact ERP target; "" for the rows that apply to every target.' }) erpTarget?: string;
  @Field(() => String, { nullable: true }) sourceValuePrefix?: string;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) includeRetired?: boolean;
}
