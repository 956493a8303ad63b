/**
 * Shipments and line changes of a Business Central sales order through API v2.0.
 *
 *   look-up: GET   …/salesShipments?$filter=externalDocumentNumber eq '{key}'
 *   read:    GET   …/salesOrders({id})?$expand=salesOrderLines
 *   claim:   PATCH …/salesOrders({id})  {externalDocumentNumber: key, postingDate}   If-Match
 *   stage:   PATCH …/salesOrders({id})/salesOrderLines({lineId})  {shipQuantity}    If-Match, per line
 *   change:  PATCH …/salesOrders({id})/salesOrderLines({lineId})  {quantity, unitPrice, discountAmount}  If-Match
 *   add:     POST  …/salesOrders({id})/salesOrderLines  {sequence, lineType, item, quantity, unitPrice, discountAmount}  (order edits)
 *   post:    POST  …/salesOrders({id})/Microsoft.NAV.shipAndInvoice                  → 204
 *   release: PATCH …/salesOrders({id})  {externalDocumentNumber: the order's key}   If-Match
 *
 * Why this shape. API v2.0 has no entity that creates a shipment: salesShipments is read-only and
 * the only posting action on salesOrders is shipAndInvoice (contracts NOTES.md), which posts each
 * line's "Qty. to Ship" and invoices it. So the shipment is staged on the lines and posted, and the
 * posted shipment is also invoiced (one Sales Shipment and one Sales Invoice per fulfilment).
 *
 * Exactly once. A posted shipment keeps the order's External Document No.; no other field the API
 * can write reaches it. So the fulfilment's key is put there for the posting ("claim"), and the
 * order's own key is put back after it ("release"). Before anything is sent, the key is looked up
 * among the posted shipments: a fulfilment already posted is answered with that shipment, never
 * posted twice, and findFulfillment is that look-up. While claimed, the order does not answer to its
 * own key (the hub then has its id and never looks it up by key).
 *
 * One at a time per order. Staging and posting are several requests, so two shipments of one order
 * must not interleave. In this process a lock per order keeps them apart; across processes the
 * claim does: a fulfilment finding another key on the order waits (RETRYABLE, ORDER_BUSY) unless
 * that key's shipment is already posted or the order was last changed longer ago than the claim
 * lease, in which case the claim was abandoned and is taken over. Line changes wait the same way,
 * since changing a line's quantity resets its quantity to ship.
 */
import {
  DeliveryError, type ErpCallContext, type ErpDocumentRef, type FulfillmentDocument, type SalesOrderChangeDocument,
} from '../erp-adapter.port.js';
import { KeyedLock } from '../shared/keyed-lock.js';
import { isObject, parseJson, type BcClient, type Json } from './bc-client.js';
import { planLineChanges, planShipment, readBcLines, type BcLineStep } from './bc-shipment.mapper.js';
import { parseBcError } from './bc.errors.js';
import { bcExternalDocumentNumber, odataString, serializeBcJson } from './bc.mapper.js';

const DATE_PART = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/;
const upper = (v: unknown): string => (typeof v === 'string' ? v.trim().toUpperCase() : '');

/** Quantity first: BC reprices the line on it, and the kept price and discount then stand. */
const lineChange = (step: Extract<BcLineStep, { kind: 'quantity' }>): Json => ({ quantity: step.quantity, unitPrice: step.unitPrice, discountAmount: step.discountAmount });

function refOf(entity: Json, what: string): ErpDocumentRef {
  if (typeof entity.id !== 'string' || entity.id === '') throw new DeliveryError('RETRYABLE', `Business Central answered with a ${what} without an id`, { code: 'UNREADABLE_ENTITY' });
  return { internalId: entity.id, documentNumber: typeof entity.number === 'string' && entity.number !== '' ? entity.number : null };
}

export class BcFulfillments {
  private readonly locks = new KeyedLock();

  constructor(private readonly client: BcClient) {}

  /** How long a claim may sit untouched before another fulfilment takes it over. */
  private get leaseMs(): number {
    return Math.max(60_000, 10 * this.client.connection.timeoutMs);
  }

  post(doc: FulfillmentDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const key = bcExternalDocumentNumber(doc.externalId);
    const orderKey = bcExternalDocumentNumber(doc.salesOrderExternalId);
    if (key === orderKey) throw new DeliveryError('PERMANENT', `the fulfilment key ${key} is the sales order's own key`, { code: 'INVALID_KEY', field: 'externalId' });
    const postingDate = DATE_PART.exec(doc.accountingDate ?? doc.shippedAt)?.[1];
    if (postingDate === undefined) throw new DeliveryError('PERMANENT', `shippedAt ${JSON.stringify(doc.shippedAt)} has no date part`, { code: 'INVALID_DATE', field: 'shippedAt' });
    const orderId = doc.salesOrderInternalId;

    return this.locks.run(orderId, async () => {
      const posted = await this.shipment(key, ctx);
      if (posted) {
        await this.release(orderId, key, orderKey, ctx);
        return refOf(posted, 'sales shipment');
      }
      const order = await this.order(orderId, ctx);
      const steps = planShipment(doc, readBcLines(order, this.client.config().mapping));
      await this.claim(order, key, orderKey, { postingDate }, ctx);
      try {
        await this.apply(orderId, steps, ctx);
        const url = `${this.client.config().ordersUrl}(${orderId})/Microsoft.NAV.shipAndInvoice`;
        const answer = await this.client.send('POST', url, undefined, ctx);
        if (answer.status !== 204 && answer.status !== 200) throw parseBcError(answer.status, answer.text, answer.headers, { write: true });
      } finally {
        await this.release(orderId, key, orderKey, ctx);
      }
      const shipment = await this.shipment(key, ctx);
      if (!shipment) throw new DeliveryError('AMBIGUOUS', `Business Central posted the order but no shipment carries ${key}`, { code: 'NO_SHIPMENT' });
      return refOf(shipment, 'sales shipment');
    });
  }

  /** The posted shipment carrying the fulfilment's key; finishing an interrupted post (the order's key put back). */
  find(doc: FulfillmentDocument, ctx: ErpCallContext): Promise<ErpDocumentRef | null> {
    const key = bcExternalDocumentNumber(doc.externalId);
    return this.locks.run(doc.salesOrderInternalId, async () => {
      const posted = await this.shipment(key, ctx);
      if (!posted) return null;
      await this.release(doc.salesOrderInternalId, key, bcExternalDocumentNumber(doc.salesOrderExternalId), ctx);
      return refOf(posted, 'sales shipment');
    });
  }

  change(doc: SalesOrderChangeDocument, ctx: ErpCallContext): Promise<ErpDocumentRef> {
    const orderKey = bcExternalDocumentNumber(doc.salesOrderExternalId);
    return this.locks.run(doc.salesOrderInternalId, async () => {
      const order = await this.order(doc.salesOrderInternalId, ctx);
      const steps = planLineChanges(doc, readBcLines(order, this.client.config().mapping));
      // Wait for (or take over) a shipment being posted; the order keeps, or gets back, its own key.
      await this.claim(order, orderKey, orderKey, {}, ctx);
      await this.apply(doc.salesOrderInternalId, steps, ctx);
      return refOf(order, 'sales order');
    });
  }

  /** The order with its lines; gone means posted in full (BC deletes it) or deleted by a person. */
  private async order(orderId: string, ctx: ErpCallContext): Promise<Json> {
    const answer = await this.client.send('GET', `${this.client.config().ordersUrl}(${orderId})?$expand=salesOrderLines`, undefined, ctx);
    if (answer.status === 404) {
      throw new DeliveryError('PERMANENT', `sales order ${orderId} is no longer open in Business Central (posted in full, or deleted)`, { status: 404, code: 'ORDER_NOT_OPEN' });
    }
    if (answer.status !== 200) throw parseBcError(answer.status, answer.text, answer.headers, { write: false });
    const order = parseJson(answer.text);
    if (!isObject(order)) throw new DeliveryError('RETRYABLE', 'Business Central answered the sales order with something that is not one', { code: 'UNREADABLE_ORDER' });
    return order;
  }

  /** The first posted shipment whose External Document No. is the key. */
  private async shipment(key: string, ctx: ErpCallContext): Promise<Json | undefined> {
    const filter = encodeURIComponent(`externalDocumentNumber eq ${odataString(key)}`);
    const answer = await this.client.send('GET', `${this.client.config().companyUrl}/salesShipments?$filter=${filter}`, undefined, ctx);
    if (answer.status !== 200) throw parseBcError(answer.status, answer.text, answer.headers, { write: false });
    const page = parseJson(answer.text);
    const value = isObject(page) ? page.value : undefined;
    if (!Array.isArray(value)) throw new DeliveryError('RETRYABLE', 'Business Central answered the shipment look-up without a value array', { code: 'UNREADABLE_LIST' });
    return value.find((s): s is Json => isObject(s) && upper(s.externalDocumentNumber) === key);
  }

  /**
   * Puts `key` (and the other header fields) on the order, unless another claim holds it: that
   * one is waited for, or taken over once its shipment is posted or its lease ran out.
   */
  private async claim(order: Json, key: string, orderKey: string, fields: Json, ctx: ErpCallContext): Promise<void> {
    const current = upper(order.externalDocumentNumber);
    if (current !== key && current !== orderKey && current !== '') {
      const modified = typeof order.lastModifiedDateTime === 'string' ? Date.parse(order.lastModifiedDateTime) : NaN;
      const abandoned = !(Date.now() - modified < this.leaseMs) || (await this.shipment(current, ctx)) !== undefined;
      if (!abandoned) {
        throw new DeliveryError('RETRYABLE', `sales order ${String(order.number)} is being shipped under ${current}; waiting for it`, { code: 'ORDER_BUSY', retryAfterMs: 5000 });
      }
      this.client.logger.warn({ msg: 'taking over an abandoned Business Central order claim', target: this.client.connection.targetId, order: order.number, claim: current });
    }
    const patch: Json = { ...(current !== key && { externalDocumentNumber: key }) };
    for (const [name, value] of Object.entries(fields)) if (order[name] !== value) patch[name] = value;
    if (Object.keys(patch).length === 0) return;
    await this.patchOrder(String(order.id), order['@odata.etag'], patch, ctx);
  }

  /** Best effort: the order gets its own key back if it still carries ours. Failing here only delays the next claim. */
  private async release(orderId: string, key: string, orderKey: string, ctx: ErpCallContext): Promise<void> {
    try {
      const answer = await this.client.send('GET', `${this.client.config().ordersUrl}(${orderId})`, undefined, ctx);
      if (answer.status === 404) return;
      if (answer.status !== 200) throw parseBcError(answer.status, answer.text, answer.headers, { write: false });
      const order = parseJson(answer.text);
      if (!isObject(order) || upper(order.externalDocumentNumber) !== key) return;
      await this.patchOrder(orderId, order['@odata.etag'], { externalDocumentNumber: orderKey }, ctx);
    } catch (err) {
      this.client.logger.warn({ msg: 'could not give the Business Central order its key back', target: this.client.connection.targetId, orderId, err: err instanceof Error ? err.message : String(err) });
    }
  }

  private async patchOrder(orderId: string, etag: unknown, patch: Json, ctx: ErpCallContext): Promise<void> {
    if (typeof etag !== 'string' || etag === '') throw new DeliveryError('RETRYABLE', 'Business Central answered the sales order without an @odata.etag', { code: 'NO_ETAG' });
    const answer = await this.client.send('PATCH', `${this.client.config().ordersUrl}(${orderId})`, serializeBcJson(patch), ctx, { 'if-match': etag });
    if (answer.status !== 200 && answer.status !== 204) throw parseBcError(answer.status, answer.text, answer.headers, { write: true });
  }

  /** One request per line, each with that line's etag (a stale one is a 412: RETRYABLE, read again). */
  private async apply(orderId: string, steps: readonly BcLineStep[], ctx: ErpCallContext): Promise<void> {
    for (const step of steps) {
      if (step.kind === 'add') {
        const answer = await this.client.send('POST', `${this.client.config().ordersUrl}(${orderId})/salesOrderLines`, serializeBcJson(step.body), ctx);
        if (answer.status !== 201 && answer.status !== 200) throw parseBcError(answer.status, answer.text, answer.headers, { write: true });
        continue;
      }
      const url = `${this.client.config().ordersUrl}(${orderId})/salesOrderLines(${step.line.id})`;
      const headers = { 'if-match': step.line.etag };
      const answer = step.kind === 'delete'
        ? await this.client.send('DELETE', url, undefined, ctx, headers)
        : await this.client.send('PATCH', url, serializeBcJson(step.kind === 'ship' ? { shipQuantity: step.shipQuantity } : lineChange(step)), ctx, headers);
      if (answer.status !== 200 && answer.status !== 204) throw parseBcError(answer.status, answer.text, answer.headers, { write: true });
    }
  }
}
