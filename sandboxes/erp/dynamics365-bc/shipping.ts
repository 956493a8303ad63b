/**
 * Posting a sales order and the posted shipments, as API v2.0 offers them:
 *
 *   POST …/salesOrders({id})/Microsoft.NAV.shipAndInvoice          → 204 (the only posting action)
 *   GET  …/salesShipments[?$filter=…&$expand=salesShipmentLines]    read-only
 *   GET  …/salesShipments({id})[/salesShipmentLines]
 *
 * shipAndInvoice posts what each line's "Qty. to Ship" (shipQuantity) says, and invoices it: one
 * Sales Shipment and one Sales Invoice. As Sales-Post does, it refuses an order with a numbered line
 * of quantity 0 and an order with nothing to ship; the shipment copies the order's External
 * Document No., Posting Date and number (Order No.). After posting, every line's quantity to ship
 * is what is still outstanding (Default Qty. to Ship = Remainder), so a line held back at 0 is due
 * in full again; an order shipped and invoiced in full is deleted.
 */
import { randomUUID } from 'node:crypto';
import type { SandboxContext } from '../shared/context.js';
import type { Reply, SandboxRequest } from '../shared/http.js';
import type { StoredDocument } from '../shared/store.js';
import { ODATA_HEADERS, badRequest, dialog, entityNotFound, odataError } from './errors.js';
import { SALES_SHIPMENT, SALES_SHIPMENT_LINE, withDefaults } from './fields.js';
import { matches, parseFilter, touched, type BcSalesOrder, type EntityUrls } from './odata.js';
import { outstandingOf } from './order-lines.js';

type Json = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const isNumbered = (l: Json): boolean => l.lineType !== 'Comment' && (typeof l.lineObjectNumber === 'string' || typeof l.itemId === 'string');

export class BcShipping {
  private nextShipment = 102001;
  private nextInvoice = 103001;

  constructor(private readonly context: SandboxContext<BcSalesOrder>) {
    context.onReset(() => {
      this.nextShipment = 102001;
      this.nextInvoice = 103001;
    });
  }

  shipAndInvoice(doc: StoredDocument<BcSalesOrder>): Reply {
    const { order, lines } = doc.body;
    if (lines.some((l) => isNumbered(l) && num(l.quantity) === 0)) {
      return dialog('One or more document lines with a value in the No. column do not have a quantity specified.');
    }
    const toShip = lines.filter((l) => num(l.shipQuantity) > 0);
    if (toShip.length === 0) return dialog('There is nothing to post.');

    const now = new Date().toISOString();
    const id = randomUUID();
    const number = `S-SHPT${this.nextShipment++}`;
    const postingDate = typeof order.postingDate === 'string' ? order.postingDate : now.slice(0, 10);
    const externalDocumentNumber = typeof order.externalDocumentNumber === 'string' ? order.externalDocumentNumber : '';
    const shipment: Json = {
      id, number, externalDocumentNumber, invoiceDate: order.orderDate, postingDate,
      customerId: order.customerId, customerNumber: order.customerNumber, customerName: order.customerName,
      currencyCode: order.currencyCode, orderNumber: order.number, lastModifiedDateTime: now,
      salesShipmentLines: toShip.map((l) => ({
        id: randomUUID(), documentId: id, documentNo: number, sequence: l.sequence, lineType: l.lineType, lineObjectNumber: l.lineObjectNumber,
        description: l.description, quantity: l.shipQuantity, unitPrice: l.unitPrice, shipmentDate: postingDate,
      })),
      postedInvoiceNumber: `S-INV${this.nextInvoice++}`,
    };
    this.context.fulfillments.create(id, externalDocumentNumber === '' ? undefined : externalDocumentNumber, shipment);

    // Every line's quantity to ship starts again from what is outstanding, posted in this run or not.
    const posted = lines.map((l) => {
      const q = num(l.shipQuantity);
      const after = { ...l, shippedQuantity: num(l.shippedQuantity) + q, invoicedQuantity: num(l.invoicedQuantity) + q };
      const reset = { ...after, shipQuantity: outstandingOf(after), invoiceQuantity: outstandingOf(after) };
      return q === 0 && num(l.shipQuantity) === outstandingOf(after) ? l : touched(reset);
    });
    const complete = posted.every((l) => !isNumbered(l) || outstandingOf(l) <= 0);
    this.context.store.update(doc, {
      order: { ...order, fullyShipped: complete, lastModifiedDateTime: now },
      lines: posted,
      ...(complete && { deletedAt: now }),
    });
    return { status: 204, committed: true };
  }

  list(req: SandboxRequest, urls: EntityUrls): Reply {
    const q = req.url.searchParams;
    const expand = this.expand(q.get('$expand'));
    if (expand === 'invalid') return badRequest(`Could not find a property named '${q.get('$expand')}' on type 'Microsoft.NAV.salesShipment'.`);
    const filterText = q.get('$filter');
    const filter = filterText === null ? [] : parseFilter(filterText, SALES_SHIPMENT);
    if (!filter) return odataError(400, 'BadRequest_NotFound', 'Bad Request - Error in query syntax.');
    const top = q.get('$top');
    let docs = this.context.fulfillments.all().filter((d) => matches(d.body, filter, SALES_SHIPMENT));
    if (top !== null) docs = docs.slice(0, /^\d+$/.test(top) ? Number(top) : undefined);
    return {
      status: 200,
      headers: { ...ODATA_HEADERS },
      body: { '@odata.context': `${urls.api}/$metadata#companies(${urls.companyId})/salesShipments`, value: docs.map((d) => presentShipment(d.body, expand)) },
    };
  }

  read(req: SandboxRequest, id: string, urls: EntityUrls, linesOnly: boolean): Reply {
    const doc = this.context.fulfillments.get(id.toLowerCase());
    if (!doc) return entityNotFound('Sales Shipment Header', id);
    if (linesOnly) {
      return {
        status: 200,
        headers: { ...ODATA_HEADERS },
        body: { '@odata.context': `${urls.api}/$metadata#companies(${urls.companyId})/salesShipments(${doc.id})/salesShipmentLines`, value: presentShipment(doc.body, true).salesShipmentLines },
      };
    }
    const expand = this.expand(req.url.searchParams.get('$expand'));
    if (expand === 'invalid') return badRequest(`Could not find a property named '${req.url.searchParams.get('$expand')}' on type 'Microsoft.NAV.salesShipment'.`);
    return {
      status: 200,
      headers: { ...ODATA_HEADERS },
      body: { '@odata.context': `${urls.api}/$metadata#companies(${urls.companyId})/salesShipments/$entity`, ...presentShipment(doc.body, expand) },
    };
  }

  private expand(value: string | null): boolean | 'invalid' {
    if (value === null) return false;
    return value.trim() === 'salesShipmentLines' ? true : 'invalid';
  }
}

/** A posted shipment as the API shows it (every property, its lines when expanded). */
export function presentShipment(shipment: Json, expandLines: boolean): Json {
  const lines = Array.isArray(shipment.salesShipmentLines) ? (shipment.salesShipmentLines as Json[]) : [];
  return {
    '@odata.etag': `W/"${Buffer.from(`'1;${String(shipment.id)};'`).toString('base64')}"`,
    ...withDefaults(SALES_SHIPMENT, shipment),
    ...(expandLines && { salesShipmentLines: lines.map((l) => withDefaults(SALES_SHIPMENT_LINE, l)) }),
  };
}
