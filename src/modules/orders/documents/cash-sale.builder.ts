import { Inject, Injectable } from '@nestjs/common';
import type { CashSaleDocument, CashSaleTender, ErpAdapter, ErpCallContext } from '../../../adapters/erp/erp-adapter.port.js';
import { toBigInt } from '../../../platform/database/sql.js';
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import { BuildsDocument, type DocumentBuilder, type DocumentRequest, type PreparedDocument } from '../../../platform/delivery/document-builder.js';
import { MappingService, resolutionKey, type ResolveKey } from '../../master-data/mapping.service.js';
import type { OrderDocumentRow } from '../persistence/order-document-row.js';
import { ORDER_HELD, ORDER_HELD_WAIT_MS, SalesOrderBuilder } from './sales-order.builder.js';

type Row = Record<string, unknown>;

/**
 * A counter sale booked as a cash sale (posting type CASH_SALE, subject ORDER), for a target whose
 * counterSales setting is CASH_SALE: the sale as its sales order would carry it (same key, lines,
 * tax, the store's location) with the till's tenders through their TENDER mappings. It is sale,
 * payment and inventory relief at once, so no item fulfilment follows it.
 */
@Injectable()
@BuildsDocument('CASH_SALE', 'ORDER')
export class CashSaleBuilder implements DocumentBuilder<ErpAdapter, ErpCallContext> {
  constructor(
    @Inject(SalesOrderBuilder) private readonly salesOrders: SalesOrderBuilder,
    @Inject(MappingService) private readonly mappings: MappingService,
  ) {}

  async prepare(request: DocumentRequest): Promise<PreparedDocument<ErpAdapter, ErpCallContext>> {
    const order = await this.salesOrders.order(request.subjectId);
    if (order.status === 'ON_HOLD') {
      throw new DeliveryError('MISSING_DEPENDENCY', `order ${request.subjectId} is on hold; its cash sale waits for the release`, {
        code: ORDER_HELD, retryAfterMs: ORDER_HELD_WAIT_MS,
      });
    }
    const doc = await this.build(order, request.targetId);
    return {
      externalId: doc.sale.externalId, expectedTotal: doc.sale.grandTotal,
      find: (a, ctx) => adapterOf(a).findCashSale!(doc, ctx),
      send: (a, ctx) => adapterOf(a).upsertCashSale!(doc, ctx),
    };
  }

  async build(order: OrderDocumentRow, targetId: string): Promise<CashSaleDocument> {
    if (order.counter_sale !== true) throw new DeliveryError('PERMANENT', `order ${order.order_number as string} is not a counter sale: it has no cash sale`, { code: 'NOT_A_COUNTER_SALE' });
    const sale = await this.salesOrders.build(order, targetId);
    // The shop's money only: a till takes one currency.
    const { presentment: _presentment, presentmentCurrency: _currency, ...shop } = sale;
    const rows = ((order.tenders as Row[] | undefined) ?? []).filter((t) => toBigInt(t.captured) !== 0n);
    const key = (gateway: string): ResolveKey => ({ kind: 'TENDER', channel: order.channel as string, account: order.account as string, erpTarget: targetId, sourceValue: gateway });
    const answers = rows.length > 0 ? await this.mappings.resolve({}, rows.map((t) => key(t.gateway as string))) : new Map<string, Record<string, string>>();
    const tenders = rows.map((t): CashSaleTender => {
      const gateway = t.gateway as string;
      const mapped = answers.get(resolutionKey(key(gateway)));
      if (!mapped?.paymentMethod || !mapped.clearingAccount) {
        throw new DeliveryError('MISSING_DEPENDENCY', `no TENDER mapping for ${gateway} on target ${targetId}`, { code: 'UNMAPPED', field: 'TENDER' });
      }
      return { kind: t.kind as string, gateway, amount: { amount: toBigInt(t.captured), currency: shop.currency }, paymentMethodId: mapped.paymentMethod, accountId: mapped.clearingAccount };
    });
    return { sale: shop, tenders };
  }
}

function adapterOf(adapter: ErpAdapter): ErpAdapter {
  if (!adapter.upsertCashSale || !adapter.findCashSale) {
    throw new DeliveryError('PERMANENT', `the ${adapter.variant} adapter cannot post cash sales`, { code: 'UNSUPPORTED_DOCUMENT' });
  }
  return adapter;
}
