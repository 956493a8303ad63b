import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('FulfillmentLine', { description: 'Units of one order line (lineRef = the channel line id).' })
export class FulfillmentLineModel {
  @Field() lineRef: string;
  @Field(() => String, { nullable: true }) sku: string | null;
  @Field(() => Int) quantity: number;
}

@ObjectType('FulfillmentRequest', { description: 'What one location was asked to send (or hand over), and where that stands.' })
export class FulfillmentRequestModel {
  @Field() id: string;
  @Field() locationRef: string;
  @Field({ description: 'SHIP, SHIP_FROM_STORE, PICKUP_IN_STORE or DROP_SHIP' }) method: string;
  @Field({ description: 'wms or store' }) system: string;
  @Field({ description: 'PENDING, ACCEPTED, READY_FOR_PICKUP, PARTIALLY_SHIPPED, SHIPPED or CANCELLED' }) status: string;
  @Field(() => [FulfillmentLineModel]) lines: FulfillmentLineModel[];
  @Field(() => String, { nullable: true, description: "The fulfilment system's id of the request" }) externalId: string | null;
  @Field({ description: 'Whether the request reached the system: PENDING, SENT, RETRYING or DEAD' }) deliveryStatus: string;
  @Field(() => String, { nullable: true }) deliveryError: string | null;
  @Field(() => String, { nullable: true, description: 'For a CANCELLED request, whether the cancel reached the system: PENDING, SENT, RETRYING or DEAD' })
  cancelDeliveryStatus: string | null;
  @Field(() => String, { nullable: true }) cancelDeliveryError: string | null;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) acceptedAt: Date | null;
  @Field(() => Date, { nullable: true }) readyAt: Date | null;
}

@ObjectType('Shipment', { description: 'A parcel shipped or goods picked up, as its sender confirmed it, with where the news went.' })
export class ShipmentModel {
  @Field() id: string;
  @Field({ description: "Who confirmed it: WMS, STORE, or the order's channel code (SHOPIFY)" }) source: string;
  @Field() externalId: string;
  @Field({ description: 'SHIPMENT or PICKUP' }) kind: string;
  @Field({ description: 'CONFIRMED, or HELD with holdReason (nothing is posted for a held one)' }) status: string;
  @Field(() => String, { nullable: true }) holdReason: string | null;
  @Field(() => String, { nullable: true }) requestId: string | null;
  @Field(() => String, { nullable: true }) locationRef: string | null;
  @Field(() => String, { nullable: true }) carrier: string | null;
  @Field(() => [String]) trackingNumbers: string[];
  @Field(() => String, { nullable: true }) trackingUrl: string | null;
  @Field(() => [FulfillmentLineModel]) lines: FulfillmentLineModel[];
  @Field() shippedAt: Date;
  @Field() receivedAt: Date;
  @Field({ description: 'The channel told (tracking): NOT_REQUIRED, PENDING, NOTIFIED or FAILED' }) channelStatus: string;
  @Field(() => String, { nullable: true, description: "The channel's id of the fulfilment" }) channelReference: string | null;
  @Field(() => Date, { nullable: true }) channelNotifiedAt: Date | null;
  @Field(() => Date, {
    nullable: true,
    description: 'When the channel withdrew the fulfilment (Shopify cancelled it). The shipment keeps its status and its ERP item fulfilments: see attention',
  })
  channelCancelledAt: Date | null;
  /** Not in the schema: the key erp-sync's resolver finds the order's postings by (for attention and erp). */
  orderId: string;
}
