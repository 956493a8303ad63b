import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SalesOrderDocument, SalesOrderLine } from '../../adapters/erp/erp-adapter.port.js';
import { DeliveryError } from '../../adapters/erp/erp-adapter.port.js';
import type { Money } from '../../canonical/money.js';
import { toBigInt } from '../../platform/database/sql.js';
import { MappingService, resolutionKey, type ResolveKey } from '../master-data/mapping.service.js';

type Row = Record<string, unknown>;

/**
 * The order with its lines (and each line's first tax title) as one value, over `orders o`:
 * every posting needs it, so the claim returns it and no further statement is needed.
 * Amounts come as text so no JSON number can round them.
 */
export const ORDER_ROW_SQL = `(SELECT to_json(r) FROM (
  SELECT o.currency_code, o.channel, o.account, o.customer, o.order_number, o.placed_at, o.shipping::text AS shipping,
         o.grand_total::text AS grand_total,
         coalesce((
           SELECT json_agg(json_build_object(
                    'id', l.id, 'external_id', l.external_id, 'sku', l.sku, 'variant_id', l.variant_id, 'title', l.title,
                    'quantity', l.quantity, 'unit_price', l.unit_price::text, 'discount_total', l.discount_total::text,
                    'tax_total', l.tax_total::text, 'location_ref', l.location_ref,
                    'tax_title', (SELECT a.title FROM order_adjustments a
                                   WHERE a.order_id = o.id AND a.line_id = l.id AND a.kind = 'TAX' ORDER BY a.id LIMIT 1))
                  ORDER BY l.position)
           FROM order_lines l WHERE l.order_id = o.id), '[]') AS lines) r)`;

/** The order as ORDER_ROW_SQL gives it. */
export type OrderRow = Record<string, unknown>;

/**
 * Builds the ERP's sales order from the stored order and the mappings for this target: the
 * order as released, in the ERP's ids. An identifier without a mapping for the target is a
 * missing dependency: the posting waits for it rather than dying.
 */
@Injectable()
export class SalesOrderBuilder {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(MappingService) private readonly mappings: MappingService,
  ) {}

  /** `loaded`: the order as the claim returned it; otherwise it is read here. */
  async build(orderId: string, targetId: string, postingKey: string, loaded?: OrderRow | null): Promise<SalesOrderDocument> {
    const order: Row | undefined = loaded ?? ((await this.dataSource.query(`SELECT ${ORDER_ROW_SQL} AS row FROM orders o WHERE o.id = $1`, [orderId])) as { row: Row }[])[0]?.row;
    if (!order) throw new DeliveryError('PERMANENT', `order ${orderId} does not exist`);
    const lines = order.lines as Row[];
    const currency = (order.currency_code as string).trim();
    const money = (value: unknown): Money => ({ amount: toBigInt(value), currency });
    const channel = order.channel as string;
    const account = order.account as string;
    const key = (kind: ResolveKey['kind'], sourceValue: string): ResolveKey => ({ kind, channel, account, erpTarget: targetId, sourceValue });
    const customerRef = ((order.customer as { externalId?: string } | null)?.externalId) ?? '*';
    const taxTitle = new Map<string, string>();
    for (const line of lines) if (line.tax_title) taxTitle.set(line.id as string, line.tax_title as string);

    const wanted: ResolveKey[] = [key('CUSTOMER', customerRef)];
    for (const line of lines) {
      wanted.push(key('ITEM', (line.sku as string | null) ?? `variant:${line.variant_id as string}`));
      if (line.location_ref) wanted.push(key('LOCATION', line.location_ref as string));
      const title = taxTitle.get(line.id as string);
      if (title) wanted.push(key('TAX_CODE', title));
    }
    const answers = await this.mappings.resolve({}, wanted);
    const target = (k: ResolveKey, field: string): string => {
      const value = answers.get(resolutionKey(k))?.[field];
      if (!value) throw new DeliveryError('MISSING_DEPENDENCY', `no ${k.kind} mapping for ${k.sourceValue} on target ${targetId}`, { code: 'UNMAPPED', field: k.kind });
      return value;
    };
    const optional = (k: ResolveKey | null, field: string): string | null => (k ? (answers.get(resolutionKey(k))?.[field] ?? null) : null);

    const documentLines: SalesOrderLine[] = lines.map((line) => {
      const locationKey = line.location_ref ? key('LOCATION', line.location_ref as string) : null;
      const title = taxTitle.get(line.id as string);
      return {
        lineRef: line.external_id as string,
        itemId: target(key('ITEM', (line.sku as string | null) ?? `variant:${line.variant_id as string}`), 'itemId'),
        description: line.title as string,
        quantity: line.quantity as number,
        unitPrice: money(line.unit_price),
        discount: money(line.discount_total),
        tax: money(line.tax_total),
        taxCode: title ? optional(key('TAX_CODE', title), 'taxCode') : null,
        locationId: optional(locationKey, 'locationId'),
      };
    });
    const firstLocation = documentLines.find((l) => l.locationId)?.locationId ?? null;
    const firstLocationKey = lines.find((l) => l.location_ref) ? key('LOCATION', lines.find((l) => l.location_ref)!.location_ref as string) : null;
    return {
      externalId: postingKey,
      channelOrderNumber: order.order_number as string,
      placedAt: new Date(order.placed_at as string).toISOString(),
      currency,
      customerId: target(key('CUSTOMER', customerRef), 'customerId'),
      subsidiaryId: optional(firstLocationKey, 'subsidiaryId'),
      locationId: firstLocation,
      lines: documentLines,
      shipping: money(order.shipping),
      shippingTaxCode: null,
      grandTotal: money(order.grand_total),
      memo: `${channel} ${order.order_number as string}`,
    };
  }
}
