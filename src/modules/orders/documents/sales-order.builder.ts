import { Inject, Injectable } from '@nestjs/common';
import type { ErpAdapter, ErpCallContext, SalesOrderAddress, SalesOrderCharge, SalesOrderDocument, SalesOrderLine, SalesOrderTax } from '../../../adapters/erp/erp-adapter.port.js';
import type { Money } from '../../../canonical/money.js';
import { toBigInt } from '../../../platform/database/sql.js';
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import { BuildsDocument, type DocumentBuilder, type DocumentRequest, type PreparedDocument } from '../../../platform/delivery/document-builder.js';
import { MappingService, resolutionKey, type ResolveKey } from '../../master-data/mapping.service.js';
import { chargeSourceValue, customerSourceValue, itemSourceValues } from '../../master-data/order-mapping-keys.js';
import { OrderService } from '../order.service.js';
import type { OrderDocumentRow } from '../persistence/order-document-row.js';
import type { StoredMoneyView } from '../persistence/order-money-view.js';
import { presentmentDocument } from './presentment-document.js';

/** The stored line's ITEM source values, first to last, by the same rule as the release gate. */
const itemsOf = (line: Record<string, unknown>): string[] =>
  itemSourceValues({ sku: (line.sku as string | null) ?? null, variantId: (line.variant_id as string | null) ?? null, itemKeys: (line.item_keys as string[] | null) ?? [] });

type Row = Record<string, unknown>;

/** The code a sales order waiting for its order's release carries; the release looks for it. */
export const ORDER_HELD = 'ORDER_HELD';
/** A held order's sales order is looked at again this late: its release re-drives it sooner. */
export const ORDER_HELD_WAIT_MS = 10 * 60_000;

/** The natural key the ERP stores for the order (NetSuite externalId, BC externalDocumentNumber). */
export function orderKey(order: OrderDocumentRow): string {
  return `${order.channel as string}-${order.external_id as string}`;
}

export function present(order: OrderDocumentRow | null, orderId: string): OrderDocumentRow {
  if (!order) throw new DeliveryError('PERMANENT', `order ${orderId} does not exist`);
  return order;
}

/**
 * Builds the ERP's sales order (posting type SALES_ORDER, subject ORDER) from the stored order
 * and the mappings for this target: the order as released, in the ERP's ids. An identifier
 * without a mapping for the target is a missing dependency: the posting waits for it rather
 * than dying. The order's other documents build on it (their lines are the sales order's).
 */
@Injectable()
@BuildsDocument('SALES_ORDER', 'ORDER')
export class SalesOrderBuilder implements DocumentBuilder<ErpAdapter, ErpCallContext> {
  constructor(
    @Inject(OrderService) private readonly orders: OrderService,
    @Inject(MappingService) private readonly mappings: MappingService,
  ) {}

  async prepare(request: DocumentRequest): Promise<PreparedDocument<ErpAdapter, ErpCallContext>> {
    const order = await this.order(request.subjectId);
    if (order.status === 'ON_HOLD') {
      // Re-held after its release: nothing goes out while held; the next release re-drives it at once.
      throw new DeliveryError('MISSING_DEPENDENCY', `order ${request.subjectId} is on hold; its sales order waits for the release`, {
        code: ORDER_HELD, retryAfterMs: ORDER_HELD_WAIT_MS,
      });
    }
    const doc = await this.build(order, request.targetId);
    return {
      externalId: doc.externalId, expectedTotal: doc.grandTotal,
      // A document found in the buyer's currency (currencyBasis PRESENTMENT) is compared with that total.
      find: async (a, ctx) => {
        const found = await a.findSalesOrder(doc.externalId, ctx);
        const other = doc.presentment?.grandTotal;
        return found && other && !found.expectedTotal && found.erpTotal?.currency === other.currency ? { ...found, expectedTotal: other } : found;
      },
      send: (a, ctx) => a.upsertSalesOrder(doc, ctx),
    };
  }

  /** The order as its documents read it; gone is permanent. */
  async order(orderId: string): Promise<OrderDocumentRow> {
    return present(await this.orders.forDocument(orderId), orderId);
  }

  async build(order: OrderDocumentRow, targetId: string): Promise<SalesOrderDocument> {
    const lines = order.lines as Row[];
    const shippingLines = (order.shipping_lines as Row[] | undefined) ?? [];
    const charges = (order.charges as Row[] | null | undefined) ?? [];
    const presentment = (order.presentment as StoredMoneyView | null | undefined) ?? null;
    const currency = (order.currency_code as string).trim();
    const money = (value: unknown): Money => ({ amount: toBigInt(value), currency });
    const channel = order.channel as string;
    const account = order.account as string;
    const key = (kind: ResolveKey['kind'], sourceValue: string): ResolveKey => ({ kind, channel, account, erpTarget: targetId, sourceValue });
    const customerRef = customerSourceValue((order.customer as { externalId?: string } | null)?.externalId);
    const taxRows = (row: Row): Row[] => ((row.taxes as Row[] | null | undefined) ?? []).filter((t) => typeof t.title === 'string' && t.title !== '');

    const wanted: ResolveKey[] = [key('CUSTOMER', customerRef)];
    for (const line of lines) {
      for (const value of itemsOf(line)) wanted.push(key('ITEM', value));
      if (line.location_ref) wanted.push(key('LOCATION', line.location_ref as string));
    }
    for (const row of [...lines, ...shippingLines]) for (const tax of taxRows(row)) wanted.push(key('TAX_CODE', tax.title as string));
    for (const charge of [...charges, ...(presentment?.charges ?? [])]) wanted.push(key('ITEM', chargeSourceValue(charge.kind as string)));
    const answers = await this.mappings.resolve({}, wanted);
    const target = (k: ResolveKey, field: string): string => {
      const value = answers.get(resolutionKey(k))?.[field];
      if (!value) throw new DeliveryError('MISSING_DEPENDENCY', `no ${k.kind} mapping for ${k.sourceValue} on target ${targetId}`, { code: 'UNMAPPED', field: k.kind });
      return value;
    };
    const optional = (k: ResolveKey | null, field: string): string | null => (k ? (answers.get(resolutionKey(k))?.[field] ?? null) : null);
    const taxesOf = (row: Row): SalesOrderTax[] =>
      taxRows(row).map((tax) => ({
        title: tax.title as string,
        jurisdiction: (tax.jurisdiction as string | null) ?? null,
        rate: (tax.rate as string | null) ?? null,
        amount: money(tax.amount),
        taxCode: optional(key('TAX_CODE', tax.title as string), 'taxCode'),
        taxAccount: optional(key('TAX_CODE', tax.title as string), 'taxAccount'),
      }));
    // One code per line for an ERP that computes tax: the first jurisdiction (in the row's stable order) that has one.
    const firstCode = (taxes: readonly SalesOrderTax[]): string | null => taxes.find((t) => t.taxCode)?.taxCode ?? null;

    const documentLines: SalesOrderLine[] = lines.map((line) => {
      const locationKey = line.location_ref ? key('LOCATION', line.location_ref as string) : null;
      const taxes = taxesOf(line);
      return {
        lineRef: line.external_id as string,
        itemId: target(itemsOf(line).map((value) => key('ITEM', value)).find((k) => answers.get(resolutionKey(k))?.itemId) ?? key('ITEM', itemsOf(line)[0]), 'itemId'),
        description: line.title as string,
        quantity: line.quantity as number,
        unitPrice: money(line.unit_price),
        discount: money(line.discount_total),
        tax: money(line.tax_total),
        taxCode: firstCode(taxes),
        taxes,
        locationId: optional(locationKey, 'locationId'),
        ...propertiesOf(line.properties),
      };
    });
    const shippingTaxes = shippingLines.flatMap((s) => taxesOf(s));
    const chargeOf = (charge: Row, amount: Money): SalesOrderCharge => {
      const chargeKey = key('ITEM', chargeSourceValue(charge.kind as string));
      return {
        kind: charge.kind as string,
        title: (charge.title as string | null) ?? (charge.kind as string),
        itemId: target(chargeKey, 'itemId'),
        lineType: optional(chargeKey, 'lineType'),
        amount,
      };
    };
    const documentCharges: SalesOrderCharge[] = charges.map((charge) => chargeOf(charge, money(charge.amount)));
    const firstLocation = documentLines.find((l) => l.locationId)?.locationId ?? null;
    const firstLocationKey = lines.find((l) => l.location_ref) ? key('LOCATION', lines.find((l) => l.location_ref)!.location_ref as string) : null;
    const doc: SalesOrderDocument = {
      externalId: orderKey(order),
      channelOrderNumber: order.order_number as string,
      placedAt: new Date(order.placed_at as string).toISOString(),
      ...(order.accounting_date ? { accountingDate: order.accounting_date as string } : {}),
      currency,
      customerId: target(key('CUSTOMER', customerRef), 'customerId'),
      subsidiaryId: optional(firstLocationKey, 'subsidiaryId'),
      locationId: firstLocation,
      lines: documentLines,
      shipping: money(order.shipping),
      shippingDiscount: { amount: shippingLines.reduce((n, s) => n + toBigInt(s.discount_total), 0n), currency },
      shippingTaxCode: firstCode(shippingTaxes),
      shippingTaxes,
      taxesIncluded: order.taxes_included === true,
      charges: documentCharges,
      billTo: addressOf(order.billing_address),
      shipTo: addressOf(order.shipping_address),
      grandTotal: money(order.grand_total),
      memo: `${channel} ${order.order_number as string}`,
      ...(typeof order.note === 'string' && { note: order.note }),
      ...(typeof order.po_number === 'string' && { poNumber: order.po_number }),
      ...(typeof order.presentment_currency === 'string' && { presentmentCurrency: order.presentment_currency.trim() }),
    };
    return presentment ? { ...doc, presentment: presentmentDocument(doc, presentment, shippingLines.length, chargeOf) } : doc;
  }
}

/** The line's properties as stored (JSON), in the document's terms; none when empty. */
function propertiesOf(value: unknown): Pick<SalesOrderLine, 'properties'> {
  if (!Array.isArray(value) || value.length === 0) return {};
  return { properties: value.map((p: { name: string; value: string }) => ({ name: p.name, value: p.value })) };
}

/** The canonical address (stored as JSON) in the document's terms; none when absent. */
function addressOf(value: unknown): SalesOrderAddress | null {
  if (value === null || typeof value !== 'object') return null;
  const a = value as Record<string, unknown>;
  const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
  return {
    name: text(a.name), company: text(a.company), line1: text(a.line1), line2: text(a.line2), city: text(a.city),
    region: text(a.region), postalCode: text(a.postalCode), countryCode: text(a.countryCode), phone: text(a.phone),
  };
}
