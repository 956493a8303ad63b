/**
 * One salesOrderLine of an order, changed or deleted, as the Sales Line table validates it:
 *
 *   PATCH  …/salesOrders({id})/salesOrderLines({lineId})   If-Match: the line's etag → 200 line
 *   DELETE …/salesOrders({id})/salesOrderLines({lineId})   If-Match: the line's etag → 204
 *   POST   …/salesOrders({id})/salesOrderLines             a new line → 201 line
 *
 *  - quantity may not go below what has been shipped; a new quantity resets the quantity to ship
 *    (and to invoice) to what is outstanding, as BC does with "Default Qty. to Ship" = Remainder;
 *  - shipQuantity may not exceed what is outstanding ("You cannot ship more than N units."); the
 *    quantity to invoice follows it (nothing is ever shipped without being invoiced here);
 *  - a line with shipped units cannot be deleted;
 *  - each line has its own row version: writing one line leaves the others' etags valid;
 *  - a new line takes the sequence it names (else the next 10000 after the last), which no other
 *    line of the order may hold ("The record already exists").
 * Changes of the ordered quantity (and deletions) are recorded for GET /_sandbox/documents.
 */
import { randomUUID } from 'node:crypto';
import type { SandboxContext } from '../shared/context.js';
import { header, jsonObject, type Reply, type SandboxRequest } from '../shared/http.js';
import type { StoredDocument } from '../shared/store.js';
import { priceLine, totalOrder, unknownTaxCode, type Pricing } from './amounts.js';
import { ODATA_HEADERS, badRequest, dialog, entityNotFound, odataError, recordNotFound } from './errors.js';
import { lineEtag, presentLine, touched, type BcSalesOrder } from './odata.js';
import { checkSalesOrderLinePatch } from './validate.js';

type Json = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Outstanding units of a line: ordered less shipped. */
export const outstandingOf = (line: Json): number => num(line.quantity) - num(line.shippedQuantity);

export class BcOrderLines {
  constructor(
    private readonly context: SandboxContext<BcSalesOrder>,
    private readonly pricing: (order: Json) => Pricing,
  ) {}

  /** GET, PATCH or DELETE of one line; undefined for any other method. */
  route(req: SandboxRequest, doc: StoredDocument<BcSalesOrder>, lineId: string): Reply | undefined {
    if (req.method === 'PATCH') return this.patch(req, doc, lineId);
    if (req.method === 'DELETE') return this.remove(req, doc, lineId);
    if (req.method !== 'GET') return undefined;
    const line = doc.body.lines.find((l) => String(l.id).toLowerCase() === lineId.toLowerCase());
    return line ? { status: 200, headers: { ...ODATA_HEADERS, etag: lineEtag(line) }, body: presentLine(line) } : entityNotFound('Sales Line', lineId);
  }

  add(req: SandboxRequest, doc: StoredDocument<BcSalesOrder>): Reply {
    const body = jsonObject(req.body);
    if (!body) return badRequest('Invalid Request Body.');
    const checked = checkSalesOrderLinePatch(body);
    if (!checked.ok) return checked.reply;
    const input = checked.value;
    const type = input.lineType ?? 'Item';
    if (type === 'Item' && input.lineObjectNumber === undefined && input.itemId === undefined) {
      return dialog('The lineObjectNumber or itemId must be provided for a line of type Item.');
    }
    const last = doc.body.lines.reduce((max, l) => Math.max(max, num(l.sequence)), 0);
    const sequence = input.sequence === undefined ? (Math.floor(last / 10000) + 1) * 10000 : num(input.sequence);
    if (doc.body.lines.some((l) => num(l.sequence) === sequence)) {
      return dialog(`The record in table Sales Line already exists. Identification fields and values: Document Type='Order',Document No.='${String(doc.body.order.number)}',Line No.='${sequence}'`);
    }
    const quantity = num(input.quantity);
    const line = touched(priceLine(this.pricing(doc.body.order), {
      lineType: 'Item', ...input, sequence, id: randomUUID(), documentId: doc.id,
      shipQuantity: quantity, invoiceQuantity: quantity, shippedQuantity: 0, invoicedQuantity: 0,
    }));
    this.save(doc, [...doc.body.lines, line].sort((a, b) => num(a.sequence) - num(b.sequence)));
    this.record(doc, [{ line: sequence, quantityBefore: 0, quantityAfter: quantity }]);
    return { status: 201, headers: { ...ODATA_HEADERS, etag: lineEtag(line) }, body: presentLine(line), committed: true };
  }

  patch(req: SandboxRequest, doc: StoredDocument<BcSalesOrder>, lineId: string): Reply {
    const found = this.line(req, doc, lineId);
    if ('reply' in found) return found.reply;
    const { line } = found;
    const body = jsonObject(req.body);
    if (!body) return badRequest('Invalid Request Body.');
    const checked = checkSalesOrderLinePatch(body);
    if (!checked.ok) return checked.reply;
    const patch = checked.value;
    const unknownCode = unknownTaxCode(this.context.knobs.taxRates, [patch]);
    if (unknownCode !== undefined) return recordNotFound('Tax Group', 'Code', unknownCode);

    let next: Json = { ...line, ...patch };
    const shipped = num(line.shippedQuantity);
    if (patch.quantity !== undefined && patch.quantity !== line.quantity) {
      if (num(patch.quantity) < shipped) {
        return dialog(`Quantity must not be less than ${shipped} in Sales Line Document Type='Order',Document No.='${String(doc.body.order.number)}',Line No.='${String(line.sequence)}'.`);
      }
      next = { ...next, shipQuantity: outstandingOf(next), invoiceQuantity: outstandingOf(next) };
    }
    if (patch.shipQuantity !== undefined) {
      const ship = num(patch.shipQuantity);
      if (ship < 0) return dialog(`Qty. to Ship must not be negative in Sales Line Document Type='Order',Document No.='${String(doc.body.order.number)}',Line No.='${String(line.sequence)}'.`);
      if (ship > outstandingOf(next)) return dialog(`You cannot ship more than ${outstandingOf(next)} units.`);
      next = { ...next, invoiceQuantity: ship };
    }
    const written = touched(priceLine(this.pricing(doc.body.order), next));
    this.save(doc, doc.body.lines.map((l) => (l === line ? written : l)));
    if (num(line.quantity) !== num(written.quantity)) this.record(doc, [{ line: num(line.sequence), quantityBefore: num(line.quantity), quantityAfter: num(written.quantity) }]);
    return { status: 200, headers: { ...ODATA_HEADERS, etag: lineEtag(written) }, body: presentLine(written), committed: true };
  }

  remove(req: SandboxRequest, doc: StoredDocument<BcSalesOrder>, lineId: string): Reply {
    const found = this.line(req, doc, lineId);
    if ('reply' in found) return found.reply;
    const { line } = found;
    if (num(line.shippedQuantity) > 0) {
      return dialog(`You cannot delete Sales Line Document Type='Order',Document No.='${String(doc.body.order.number)}',Line No.='${String(line.sequence)}' because ${num(line.shippedQuantity)} have been shipped.`);
    }
    this.save(doc, doc.body.lines.filter((l) => l !== line));
    this.record(doc, [{ line: num(line.sequence), quantityBefore: num(line.quantity), quantityAfter: 0, deleted: true }]);
    return { status: 204, committed: true };
  }

  /** The line, after the etag check every line write needs. */
  private line(req: SandboxRequest, doc: StoredDocument<BcSalesOrder>, lineId: string): { line: Json } | { reply: Reply } {
    const line = doc.body.lines.find((l) => String(l.id).toLowerCase() === lineId.toLowerCase());
    if (!line) return { reply: entityNotFound('Sales Line', lineId) };
    const ifMatch = header(req, 'if-match');
    if (!ifMatch) {
      return { reply: odataError(400, 'BadRequest_InvalidToken', 'Could not validate the client concurrency token required by the service. Please provide a valid token in the client request.') };
    }
    if (ifMatch !== '*' && ifMatch !== lineEtag(line)) return { reply: odataError(412, 'Request_EntityChanged', 'Another user has already changed the record.') };
    return { line };
  }

  private save(doc: StoredDocument<BcSalesOrder>, lines: Json[]): void {
    const order = { ...doc.body.order, lastModifiedDateTime: new Date().toISOString() };
    this.context.store.update(doc, { ...doc.body, order: totalOrder(this.pricing(order), order, lines), lines });
  }

  private record(doc: StoredDocument<BcSalesOrder>, lines: { line: number; quantityBefore: number; quantityAfter: number; deleted?: boolean }[]): void {
    this.context.lineChanges.push({ at: new Date().toISOString(), salesOrderId: doc.id, salesOrderKey: doc.key ?? null, lines });
  }
}
