import { Inject } from '@nestjs/common';
import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { loadBatched } from '../../../platform/graphql/batch-loader.js';
import { OrderChildrenReader } from '../persistence/order-children-reader.js';
import { money } from '../persistence/order-reader.js';
import {
  OrderHistoryModel, OrderLineModel, OrderModel, ShippingLineModel, SourceEventModel, TenderModel, UnmappedKeyModel,
} from './order.model.js';

type Row = Record<string, unknown>;
const none = (): Row[] => [];

/**
 * The order's own children, each read only when the query selects it: one statement per
 * table for every order of the request (batched by the GraphQL context), so a page of ids
 * costs one statement and a page with lines and history three.
 */
@Resolver(() => OrderModel)
export class OrderChildrenResolver {
  constructor(@Inject(OrderChildrenReader) private readonly reader: OrderChildrenReader) {}

  @ResolveField('lines', () => [OrderLineModel])
  async lines(@Parent() order: OrderModel, @Context() context: object): Promise<OrderLineModel[]> {
    const m = (value: unknown) => money(value, order.currencyCode);
    return (await loadBatched(context, this.reader, this.reader.lines, order.id, none)).map((r) => ({
      id: r.id as string,
      externalId: r.external_id as string,
      sku: r.sku as string | null,
      title: r.title as string,
      quantity: r.quantity as number,
      unitPrice: m(r.unit_price),
      discount: m(r.discount_total),
      tax: m(r.tax_total),
      fulfillmentMethod: r.fulfillment_method as string,
      locationRef: r.location_ref as string | null,
      properties: ((r.properties as { name: string; value: string }[] | null) ?? []).map((p) => ({ name: p.name, value: p.value })),
    }));
  }

  @ResolveField('shippingLines', () => [ShippingLineModel])
  async shippingLines(@Parent() order: OrderModel, @Context() context: object): Promise<ShippingLineModel[]> {
    const m = (value: unknown) => money(value, order.currencyCode);
    return (await loadBatched(context, this.reader, this.reader.shippingLines, order.id, none)).map((r) => ({
      title: r.title as string, code: r.code as string | null, price: m(r.price), discount: m(r.discount_total), tax: m(r.tax_total),
    }));
  }

  @ResolveField('tenders', () => [TenderModel])
  async tenders(@Parent() order: OrderModel, @Context() context: object): Promise<TenderModel[]> {
    const m = (value: unknown) => money(value, order.currencyCode);
    return (await loadBatched(context, this.reader, this.reader.tenders, order.id, none)).map((r) => ({
      kind: r.kind as string, gateway: r.gateway as string, authorized: m(r.authorized), captured: m(r.captured),
    }));
  }

  @ResolveField('history', () => [OrderHistoryModel])
  async history(@Parent() order: OrderModel, @Context() context: object): Promise<OrderHistoryModel[]> {
    return (await loadBatched(context, this.reader, this.reader.history, order.id, none)).map((r) => ({
      at: new Date(r.at as string),
      fromStatus: r.from_status as string | null,
      toStatus: r.to_status as string,
      holdReasons: r.hold_reasons as string[],
      reason: r.reason as string,
      correlationId: r.correlation_id as string,
      inboxId: r.inbox_id as string | null,
    }));
  }

  @ResolveField('sourceEvents', () => [SourceEventModel])
  async sourceEvents(@Parent() order: OrderModel, @Context() context: object): Promise<SourceEventModel[]> {
    return (await loadBatched(context, this.reader, this.reader.sourceEvents, order.id, none)).map((r) => ({
      inboxId: r.inbox_id as string,
      topic: r.topic as string,
      sourceVersion: new Date(r.source_version as string),
      outcome: r.outcome as string,
      correlationId: r.correlation_id as string,
    }));
  }

  @ResolveField('unmappedKeys', () => [UnmappedKeyModel])
  async unmappedKeys(@Parent() order: OrderModel, @Context() context: object): Promise<UnmappedKeyModel[]> {
    return (await loadBatched(context, this.reader, this.reader.unmappedKeys, order.id, none)).map((r) => ({
      kind: r.kind as string, channel: r.channel as string, account: r.account as string, sourceValue: r.source_value as string,
    }));
  }
}
