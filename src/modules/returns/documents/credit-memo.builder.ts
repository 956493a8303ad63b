import { Inject, Injectable } from '@nestjs/common';
import type { CreditAccountLine, CreditItemLine, CreditLine, CreditMemoDocument, CreditTender } from '../../../adapters/erp/credit-documents.js';
import type { ErpAdapter, ErpCallContext, SalesOrderDocument } from '../../../adapters/erp/erp-adapter.port.js';
import { allocate, sum, type Money } from '../../../canonical/money.js';
import type { Disposition, RefundComponent } from '../../../canonical/return.js';
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import { BuildsDocument, type DocumentBuilder, type DocumentRequest, type PreparedDocument } from '../../../platform/delivery/document-builder.js';
import { MappingService, resolutionKey, type ResolveKey } from '../../master-data/mapping.service.js';
import { SalesOrderBuilder } from '../../orders/documents/sales-order.builder.js';
import { OrderService } from '../../orders/order.service.js';
import { RefundDocumentReader, type DispositionGroup, type RefundForCredit } from '../persistence/refund-document-reader.js';

const ACCOUNT_COMPONENTS = { SHIPPING: 'SHIPPING_TAX', DUTIES: null, RESTOCKING_FEE: null, ADJUSTMENT: null } as const;
type AccountComponent = keyof typeof ACCOUNT_COMPONENTS;

/** The ERP's key of a refund's credit: one per channel refund. */
export const creditKey = (channel: string, refundExternalId: string): string => `${channel}-R${refundExternalId}`;

/** The ITEM mapping source value an account line of a refund is booked through (refund:shipping, refund:adjustment, …). */
export const refundAccountSource = (component: AccountComponent): string => `refund:${component.toLowerCase().replace(/_/g, '-')}`;

/**
 * The ERP credit of one refund (posting type CREDIT_MEMO, subject REFUND), acting on the order's
 * sales order in that target. Its lines come from the refund's own parts: returned units by the
 * warehouse's disposition (each group's money split by largest remainder; units a store took back
 * at the LOCATION mapping of that store), then shipping, duties,
 * fees and discrepancies on their mapped accounts. Missing mappings park the posting
 * (MISSING_DEPENDENCY); the adapter refuses a document that does not add up to the refund.
 */
@Injectable()
@BuildsDocument('CREDIT_MEMO', 'REFUND')
export class CreditMemoBuilder implements DocumentBuilder<ErpAdapter, ErpCallContext> {
  constructor(
    @Inject(RefundDocumentReader) private readonly reader: RefundDocumentReader,
    @Inject(OrderService) private readonly orders: OrderService,
    @Inject(SalesOrderBuilder) private readonly salesOrders: SalesOrderBuilder,
    @Inject(MappingService) private readonly mappings: MappingService,
  ) {}

  async prepare(request: DocumentRequest): Promise<PreparedDocument<ErpAdapter, ErpCallContext>> {
    const refund = await this.reader.forCredit(request.subjectId);
    if (!refund) throw new DeliveryError('PERMANENT', `refund ${request.subjectId} does not exist`);
    if (refund.state !== 'READY' && refund.state !== 'CREDITED' && refund.state !== 'SETTLED') {
      throw new DeliveryError('PERMANENT', `refund ${refund.externalId} is ${refund.state}: no credit before its money moved`, { code: 'REFUND_NOT_READY' });
    }
    if (!refund.orderId) throw new DeliveryError('MISSING_DEPENDENCY', `refund ${refund.externalId} has no order in the hub yet`, { code: 'ORDER_UNKNOWN' });
    const row = await this.orders.forDocument(refund.orderId);
    if (!row) throw new DeliveryError('PERMANENT', `order ${refund.orderId} does not exist`);
    const salesOrder = await this.salesOrders.build(row, request.targetId);
    const doc = await this.build(refund, salesOrder, request, Boolean((row as { taxes_included?: boolean }).taxes_included));
    return {
      externalId: doc.externalId, expectedTotal: doc.total,
      find: (a, ctx) => this.adapterOf(a).findCreditMemo!(doc, ctx),
      send: (a, ctx) => this.adapterOf(a).postCreditMemo!(doc, ctx),
    };
  }

  private adapterOf(adapter: ErpAdapter): ErpAdapter {
    if (!adapter.postCreditMemo || !adapter.findCreditMemo) {
      throw new DeliveryError('PERMANENT', `the ${adapter.variant} adapter cannot post credit memos yet`, { code: 'UNSUPPORTED_DOCUMENT' });
    }
    return adapter;
  }

  async build(refund: RefundForCredit, salesOrder: SalesOrderDocument, request: DocumentRequest, taxesIncluded: boolean): Promise<CreditMemoDocument> {
    const { channel, account, currency } = refund;
    const key = (kind: ResolveKey['kind'], sourceValue: string): ResolveKey => ({ kind, channel, account, erpTarget: request.targetId, sourceValue });
    const accounts = (Object.keys(ACCOUNT_COMPONENTS) as AccountComponent[]).filter((k) => refund.components.some((c) => c.kind === k && c.amount.amount !== 0n));
    const dispositions = [...new Set([...refund.dispositions.values()].flat().map((d) => d.disposition))];
    // Units a channel account's own place took back (a store's till) are received at its LOCATION mapping.
    const placeKey = (p: NonNullable<DispositionGroup['place']>): ResolveKey => ({ kind: 'LOCATION', channel: p.channel, account: p.account, erpTarget: request.targetId, sourceValue: p.locationRef });
    const places = [...refund.dispositions.values()].flat().flatMap((d) => (d.place ? [placeKey(d.place)] : []));
    const gateways = [...new Set(refund.transactions.filter((t) => t.status === 'SUCCESS').map((t) => t.gateway))];
    const reasons = [...new Set(refund.reasons.values())];
    const wanted = [
      ...accounts.map((c) => key('ITEM', refundAccountSource(c))), ...dispositions.map((d) => key('DISPOSITION', d)),
      ...gateways.map((g) => key('TENDER', g)), ...reasons.map((r) => key('RETURN_REASON', r)), ...places,
    ];
    const answers = wanted.length > 0 ? await this.mappings.resolve({}, wanted) : new Map<string, Record<string, string>>();
    const field = (k: ResolveKey, name: string): string | null => answers.get(resolutionKey(k))?.[name] ?? null;
    const required = (k: ResolveKey, name: string): string => {
      const value = field(k, name);
      if (!value) throw new DeliveryError('MISSING_DEPENDENCY', `no ${k.kind} mapping for ${k.sourceValue} on target ${request.targetId}`, { code: 'UNMAPPED', field: k.kind });
      return value;
    };

    const lines: CreditLine[] = [];
    for (const part of refund.components.filter((c) => c.kind === 'LINE_SUBTOTAL')) {
      lines.push(...this.itemLines(part, refund, salesOrder, taxesIncluded, (d, place) => ({
        locationId: (place && field(placeKey(place), 'locationId')) || required(key('DISPOSITION', d), 'locationId'),
        writeOffAccountId: field(key('DISPOSITION', d), 'writeOffAccount'),
      })));
    }
    for (const component of accounts) {
      const taxKind = ACCOUNT_COMPONENTS[component];
      const tax = sum(refund.components.filter((c) => c.kind === taxKind).map((c) => c.amount), currency);
      const gross = sum(refund.components.filter((c) => c.kind === component).map((c) => c.amount), currency);
      const line: CreditAccountLine = {
        kind: 'ACCOUNT', component, accountId: required(key('ITEM', refundAccountSource(component)), 'itemId'), description: component.toLowerCase().replace(/_/g, ' '),
        amount: taxesIncluded ? { amount: gross.amount - tax.amount, currency } : gross, tax, taxCode: component === 'SHIPPING' ? salesOrder.shippingTaxCode : null,
      };
      lines.push(line);
    }
    const tenders: CreditTender[] = gateways.map((gateway) => {
      const paid = refund.transactions.filter((t) => t.status === 'SUCCESS' && t.gateway === gateway);
      return { tender: paid[0].tender, gateway, amount: sum(paid.map((t) => t.amount), currency), accountId: field(key('TENDER', gateway), 'clearingAccount') };
    });
    const reason = reasons[0] ? field(key('RETURN_REASON', reasons[0]), 'reason') : null;
    // The credit covers the returned items; what an exchange took of it stays open on the credit for the exchange order.
    const exchangeCredit = refund.components.filter((c) => c.kind === 'EXCHANGE_CREDIT').reduce((n, c) => n - c.amount.amount, 0n);
    return {
      externalId: creditKey(channel, refund.externalId),
      salesOrderExternalId: salesOrder.externalId,
      salesOrderInternalId: request.dependency?.internalId ?? '',
      // A cash sale is its own invoice: the credit applies to it (BC), the cash refund is made from it (NetSuite).
      invoiceInternalId: request.dependency?.documentType === 'CASH_SALE' ? request.dependency.internalId ?? null : null,
      against: request.dependency?.documentType === 'CASH_SALE' ? 'CASH_SALE' : 'SALES_ORDER',
      customerId: salesOrder.customerId,
      currency,
      creditDate: refund.processedAt.toISOString().slice(0, 10),
      reasonCode: reason,
      lines,
      tenders,
      total: { amount: refund.total + exchangeCredit, currency },
      memo: exchangeCredit > 0n ? `${channel} refund ${refund.externalId}, exchange credit ${exchangeCredit} minor units` : `${channel} refund ${refund.externalId}`,
    };
  }

  /**
   * One line per disposition group of the refunded units: units the warehouse decided on first, in
   * the order it decided, the rest without a disposition (refunded before they came back). Money and
   * tax are split by units with largest remainder, so the groups add up to the channel's figures.
   */
  private itemLines(
    part: RefundComponent, refund: RefundForCredit, salesOrder: SalesOrderDocument, taxesIncluded: boolean,
    place: (d: Disposition, where: DispositionGroup['place']) => { locationId: string; writeOffAccountId: string | null },
  ): CreditItemLine[] {
    const lineRef = part.lineRef!;
    const index = salesOrder.lines.findIndex((l) => l.lineRef === lineRef);
    if (index < 0) throw new DeliveryError('PERMANENT', `refunded line ${lineRef} is not on the sales order`, { code: 'UNKNOWN_LINE', field: 'lineRef' });
    const ordered = salesOrder.lines[index];
    const tax = sum(refund.components.filter((c) => c.kind === 'LINE_TAX' && c.lineRef === lineRef).map((c) => c.amount), refund.currency);
    const net: Money = taxesIncluded ? { amount: part.amount.amount - tax.amount, currency: refund.currency } : part.amount;
    const groups: { disposition: Disposition | null; quantity: number; place: DispositionGroup['place'] }[] = [];
    let left = part.quantity;
    for (const d of refund.dispositions.get(lineRef) ?? []) {
      const take = Math.min(left, d.quantity);
      if (take <= 0) break;
      groups.push({ disposition: d.disposition, quantity: take, place: d.place });
      left -= take;
    }
    if (left > 0 || groups.length === 0) groups.push({ disposition: null, quantity: Math.max(left, 0), place: null });
    const weights = groups.map((g) => Math.max(g.quantity, part.quantity === 0 ? 1 : 0));
    const amounts = allocate(net, weights);
    const taxes = allocate(tax, weights);
    return groups.map((g, i) => {
      const placed = g.disposition ? place(g.disposition, g.place) : { locationId: null, writeOffAccountId: null };
      return {
        kind: 'ITEM', lineRef, lineIndex: index, itemId: ordered.itemId, description: ordered.description, quantity: Math.max(g.quantity, 1),
        amount: amounts[i], unitPrice: ordered.unitPrice, tax: taxes[i], taxCode: ordered.taxCode, disposition: g.disposition,
        locationId: placed.locationId, writeOffAccountId: placed.writeOffAccountId,
      };
    });
  }
}
