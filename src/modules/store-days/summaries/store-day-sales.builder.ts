import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CashSaleDocument, ErpAdapter, ErpCallContext } from '../../../adapters/erp/erp-adapter.port.js';
import { DeliveryError } from '../../../platform/delivery/delivery-error.js';
import { BuildsDocument, type DocumentBuilder, type DocumentRequest, type PreparedDocument } from '../../../platform/delivery/document-builder.js';
import { CashSaleBuilder } from '../../orders/documents/cash-sale.builder.js';
import { OrderService } from '../../orders/order.service.js';
import { dailySummary } from './daily-summary.js';
import { SummaryStore, type SummarySales } from './summary-store.js';

/** A sale not released yet is looked for again this soon (its release does not re-drive a day's summary). */
const SALE_WAIT_MS = 5000;

/** Business Central keeps 35 characters of a document's external number: the key fits, a long store id is hashed. */
const KEY_LENGTH = 35;

export function summaryKey(s: Pick<SummarySales, 'channel' | 'store' | 'businessDate' | 'seq'>): string {
  const tail = `${s.businessDate.replace(/-/g, '')}${s.seq > 1 ? `-${s.seq}` : ''}`;
  const readable = `${s.channel}-SUM-${s.store}-${tail}`;
  if (readable.length <= KEY_LENGTH) return readable;
  return `${s.channel.slice(0, 8)}-SUM-${createHash('sha256').update(`${s.channel}\u0000${s.store}`).digest('hex').slice(0, 8).toUpperCase()}-${tail}`;
}

/**
 * A store day's sales as one cash sale (posting type CASH_SALE, subject STORE_DAY_SALES, key the
 * summary's number), for a target whose counterSales setting is DAILY_SUMMARY: each sale as its
 * cash sale would be (CashSaleBuilder), put together (daily-summary.ts). A sale not yet released
 * (held, or not in the hub yet) makes the summary wait.
 */
@Injectable()
@BuildsDocument('CASH_SALE', 'STORE_DAY_SALES')
export class StoreDaySalesBuilder implements DocumentBuilder<ErpAdapter, ErpCallContext> {
  private readonly store = new SummaryStore();

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(OrderService) private readonly orders: OrderService,
    @Inject(CashSaleBuilder) private readonly cashSales: CashSaleBuilder,
  ) {}

  async prepare(request: DocumentRequest): Promise<PreparedDocument<ErpAdapter, ErpCallContext>> {
    const seq = Number(request.documentKey);
    const sales = await this.store.sales(this.db, request.subjectId, seq);
    if (!sales) throw new DeliveryError('PERMANENT', `store day ${request.subjectId} has no summary ${request.documentKey}`);
    const ids = await this.orders.idsOf(sales.channel, sales.store, sales.transactionIds);
    const documents: CashSaleDocument[] = [];
    for (const transactionId of sales.transactionIds) {
      const id = ids.get(transactionId);
      const order = id ? await this.orders.forDocument(id) : null;
      if (!order || order.status === 'ON_HOLD') {
        throw new DeliveryError('MISSING_DEPENDENCY', `sale ${transactionId} of ${sales.store} ${sales.businessDate} is ${order ? 'on hold' : 'not in the hub yet'}: the summary waits`, {
          code: 'SALE_NOT_RELEASED', retryAfterMs: SALE_WAIT_MS,
        });
      }
      documents.push(await this.cashSales.build(order, request.targetId));
    }
    const doc = dailySummary({ externalId: summaryKey(sales), store: sales.store, businessDate: sales.businessDate, seq }, documents);
    return {
      externalId: doc.sale.externalId, expectedTotal: doc.sale.grandTotal,
      find: (a, ctx) => cashSalesOf(a).findCashSale!(doc, ctx),
      send: (a, ctx) => cashSalesOf(a).upsertCashSale!(doc, ctx),
    };
  }
}

function cashSalesOf(adapter: ErpAdapter): ErpAdapter {
  if (!adapter.upsertCashSale || !adapter.findCashSale) throw new DeliveryError('PERMANENT', `the ${adapter.variant} adapter cannot post cash sales`, { code: 'UNSUPPORTED_DOCUMENT' });
  return adapter;
}
