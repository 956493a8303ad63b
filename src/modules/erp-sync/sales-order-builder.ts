import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SalesOrderDocument, SalesOrderLine } from '../../adapters/erp/erp-adapter.port.js';
import { ErpError } from '../../adapters/erp/erp-adapter.port.js';
import type { Money } from '../../canonical/money.js';
import { toBigInt } from '../../platform/database/sql.js';
import { MappingService, resolutionKey, type ResolveKey } from '../master-data/mapping.service.js';

type Row = Record<string, unknown>;

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

  async build(orderId: string, targetId: string, postingKey: string): Promise<SalesOrderDocument> {
    const [order]: Row[] = await this.dataSource.query('SELECT * FROM orders WHERE id = $1', [orderId]);
    if (!order) throw new ErpError('PERMANENT', `order ${orderId} does not exist`);
    const [lines, taxes]: [Row[], Row[]] = await Promise.all([
      this.dataSource.query('SELECT * FROM order_lines WHERE order_id = $1 ORDER BY position', [orderId]),
      this.dataSource.query(`SELECT line_id, title FROM order_adjustments WHERE order_id = $1 AND kind = 'TAX' AND line_id IS NOT NULL ORDER BY id`, [orderId]),
    ]);
    const currency = (order.currency_code as string).trim();
    const money = (value: unknown): Money => ({ amount: toBigInt(value), currency });
    const channel = order.channel as string;
    const account = order.account as string;
    const key = (kind: ResolveKey['kind'], sourceValue: string): ResolveKey => ({ kind, channel, account, erpTarget: targetId, sourceValue });
    const customerRef = ((order.customer as { externalId?: string } | null)?.externalId) ?? '*';
    const taxTitle = new Map<string, string>();
    for (const tax of taxes) if (!taxTitle.has(tax.line_id as string)) taxTitle.set(tax.line_id as string, tax.title as string);

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
      if (!value) throw new ErpError('MISSING_DEPENDENCY', `no ${k.kind} mapping for ${k.sourceValue} on target ${targetId}`, { code: 'UNMAPPED', field: k.kind });
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
