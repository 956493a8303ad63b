import { Inject } from '@nestjs/common';
import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { formatDecimal } from '../../../canonical/money.js';
import { loadBatched } from '../../../platform/graphql/batch-loader.js';
import { ShipmentModel } from '../../fulfillments/graphql/fulfillment.model.js';
import { OrderModel } from '../../orders/graphql/order.model.js';
import { OrderSettlementModel } from '../../settlements/graphql/settlement.model.js';
import { ErpReferenceModel, ShipmentErpStatusModel } from './erp-reference.model.js';
import { OrderPostingsReader } from './order-postings-reader.js';

type Row = Record<string, unknown>;
const none = (): Row[] => [];
const at = (value: unknown): Date | null => (value ? new Date(value as string) : null);
/** A bigint column in minor units of the row's currency, as the schema shows money. */
const moneyOf = (amount: unknown, currency: unknown): { amount: string; currencyCode: string } | null =>
  amount === null || amount === undefined || typeof currency !== 'string'
    ? null
    : { amount: formatDecimal({ amount: BigInt(amount as string), currency }), currencyCode: currency };

/** One statement for the postings of every order the request shows, shared by erpReferences and shipments' ERP fields. */
function postingsOf(context: object, reader: OrderPostingsReader, orderId: string): Promise<Row[]> {
  return loadBatched(context, reader, reader.byOrder, orderId, none);
}

export const referenceOf = (r: Row): ErpReferenceModel => ({
  target: r.target_id as string, documentType: r.document_type as string, documentKey: r.document_key as string, postingStatus: r.status as string,
  internalId: r.erp_internal_id as string | null, documentNumber: r.erp_document_number as string | null,
  attempts: r.attempts as number, lastError: r.last_error as string | null, postedAt: at(r.posted_at),
  erpTotal: moneyOf(r.erp_total, r.erp_total_currency), variance: moneyOf(r.variance, r.erp_total_currency),
  duplicates: ((r.duplicates as Row[] | null) ?? []).map((d) => ({
    internalId: d.internalId as string, documentNumber: (d.documentNumber as string | null) ?? null,
    outcome: d.outcome as string, note: d.note as string, foundAt: new Date(d.foundAt as string),
  })),
});

/** An order's documents in the ERP targets. */
@Resolver(() => OrderModel)
export class OrderErpResolver {
  constructor(@Inject(OrderPostingsReader) private readonly reader: OrderPostingsReader) {}

  @ResolveField('erpReferences', () => [ErpReferenceModel])
  async erpReferences(@Parent() order: OrderModel, @Context() context: object): Promise<ErpReferenceModel[]> {
    return (await postingsOf(context, this.reader, order.id)).map(referenceOf);
  }
}

const itemFulfillmentsOf = (shipment: ShipmentModel, postings: readonly Row[]) =>
  postings.filter((p) => p.document_type === 'ITEM_FULFILLMENT' && p.document_key === shipment.id);

/** A shipment's item fulfilments in the ERP targets, and what a person must settle about them. */
@Resolver(() => ShipmentModel)
export class ShipmentErpResolver {
  constructor(@Inject(OrderPostingsReader) private readonly reader: OrderPostingsReader) {}

  @ResolveField('erp', () => [ShipmentErpStatusModel])
  async erp(@Parent() shipment: ShipmentModel, @Context() context: object): Promise<ShipmentErpStatusModel[]> {
    return itemFulfillmentsOf(shipment, await postingsOf(context, this.reader, shipment.orderId)).map((p) => ({
      target: p.target_id as string, postingStatus: p.status as string, internalId: p.erp_internal_id as string | null,
      lastError: p.last_error as string | null, postedAt: at(p.posted_at),
    }));
  }

  /**
   * Only a confirmed shipment the channel withdrew needs a person: its item fulfilments are
   * in the ERP. A held one the channel withdrew posted nothing; its hold reason says so.
   */
  @ResolveField('attention', () => String, { nullable: true, description: 'What a person has to settle about this shipment, or null' })
  async attention(@Parent() shipment: ShipmentModel, @Context() context: object): Promise<string | null> {
    if (!shipment.channelCancelledAt || shipment.status !== 'CONFIRMED') return null;
    const sent = itemFulfillmentsOf(shipment, await postingsOf(context, this.reader, shipment.orderId)).some((p) => p.status !== 'WITHDRAWN');
    return sent
      ? 'the channel cancelled this fulfilment after it was confirmed; its ERP item fulfilments stay posted: reverse them by hand if nothing shipped'
      : 'the channel cancelled this fulfilment after it was confirmed; its ERP item fulfilments were withdrawn before they were sent';
  }
}

/** The ERP leg of an order's money trail: its sales documents and the totals the ERP read back (the same statement as erpReferences). */
@Resolver(() => OrderSettlementModel)
export class OrderSettlementErpResolver {
  constructor(@Inject(OrderPostingsReader) private readonly reader: OrderPostingsReader) {}

  @ResolveField('erp', () => [ErpReferenceModel], { description: 'The money documents the ERP targets hold for the order (sales order, its changes, credit memos), with erpTotal and its variance.' })
  async erp(@Parent() s: OrderSettlementModel, @Context() context: object): Promise<ErpReferenceModel[]> {
    return (await postingsOf(context, this.reader, s.orderId)).filter((r) => r.document_type !== 'ITEM_FULFILLMENT').map(referenceOf);
  }
}
