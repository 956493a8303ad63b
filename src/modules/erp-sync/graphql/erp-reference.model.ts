import { Field, Int, ObjectType } from '@nestjs/graphql';
import { MoneyModel } from '../../orders/graphql/order.model.js';

@ObjectType('ErpDuplicateDocument', { description: 'A second ERP document found under the key of this one (after an ambiguous outcome): deleted while unposted, otherwise flagged for a person.' })
export class ErpDuplicateDocumentModel {
  @Field() internalId: string;
  @Field(() => String, { nullable: true }) documentNumber: string | null;
  @Field({ description: 'DELETED or FLAGGED' }) outcome: string;
  @Field() note: string;
  @Field(() => Date) foundAt: Date;
}

@ObjectType('ErpReference', { description: 'The order in one ERP target: its posting status and, once posted, the ERP ids.' })
export class ErpReferenceModel {
  @Field() target: string;
  @Field() documentType: string;
  @Field({ description: "'' for the sales order; the shipment id for an item fulfilment; 'cancel' for a cancellation" }) documentKey: string;
  @Field() postingStatus: string;
  @Field(() => String, { nullable: true }) internalId: string | null;
  @Field(() => String, { nullable: true }) documentNumber: string | null;
  @Field(() => Int) attempts: number;
  @Field(() => String, { nullable: true }) lastError: string | null;
  @Field(() => Date, { nullable: true }) postedAt: Date | null;
  @Field(() => MoneyModel, { nullable: true, description: "The document's total as the ERP computed it, read back after posting; null when not read" })
  erpTotal: MoneyModel | null;
  @Field(() => MoneyModel, { nullable: true, description: 'erpTotal less the total of the document the hub sent (the order grand total); non-zero means the ERP does not add up to the channel' })
  variance: MoneyModel | null;
  @Field(() => [ErpDuplicateDocumentModel], { description: 'Other documents the ERP held under this key; FLAGGED ones need a person' })
  duplicates: ErpDuplicateDocumentModel[];
}

@ObjectType('ShipmentErpStatus', { description: 'The shipment in one ERP target (item fulfilment).' })
export class ShipmentErpStatusModel {
  @Field() target: string;
  @Field() postingStatus: string;
  @Field(() => String, { nullable: true }) internalId: string | null;
  @Field(() => String, { nullable: true }) lastError: string | null;
  @Field(() => Date, { nullable: true }) postedAt: Date | null;
}
