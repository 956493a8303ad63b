/**
 * Item fulfilments, as NetSuite makes them from a sales order:
 *
 *   POST /services/rest/record/v1/salesOrder/{id | eid:…}/!transform/itemFulfillment → 204 + Location
 *   GET  /services/rest/record/v1/itemFulfillment/{id | eid:…}                        → 200 record | 404
 *
 * A transform starts from every open line of the order (quantity not yet fulfilled, line not
 * closed), each marked to be fulfilled in full, as on an account that does not default fulfilment
 * quantities to zero; the body's lines are merged into that by `orderLine`. A client that names
 * only the lines it ships therefore fulfils the others too — as on a real account; it has to send
 * itemReceive false for them. Then, in NetSuite's order: field types, lines that exist, quantities
 * above zero and within what each line has left, at least one line, and at save the external id,
 * unique per record type. A saved fulfilment adds to the lines' quantityFulfilled and moves the
 * order to Partially Fulfilled (D) or Pending Billing (F).
 */
import type { SandboxContext } from '../shared/context.js';
import type { Reply, SandboxRequest } from '../shared/http.js';
import type { StoredDocument } from '../shared/store.js';
import { duplicateRecord, invalidFieldValue, missingValue, notFound, userError } from './errors.js';
import type { NsSalesOrder } from './records.js';
import { refValue, validateItemFulfillment } from './validate.js';

type Json = Record<string, unknown>;

export const FULFILLMENT_PATH = '/services/rest/record/v1/itemFulfillment';
const SINGULAR_TYPE = 'application/vnd.oracle.resource+json; type=singular; charset=UTF-8';

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** What a line of the order has left to fulfil; 0 for closed lines and lines without a quantity. */
export function remainingOf(line: Json): number {
  if (line.isClosed === true || typeof line.quantity !== 'number') return 0;
  return Math.max(0, line.quantity - num(line.quantityFulfilled));
}

interface Draft {
  readonly orderLine: number;
  readonly remaining: number;
  /** Where the client named the line, for error paths. */
  readonly path: string;
  line: Json;
}

export class NetSuiteFulfillments {
  constructor(
    private readonly context: SandboxContext<NsSalesOrder>,
    private readonly nextId: () => string,
  ) {}

  transform(req: SandboxRequest, order: StoredDocument<NsSalesOrder>, body: Json): Reply {
    const problem = validateItemFulfillment(body);
    if (problem) return problem;
    const drafts = this.drafts(order.body);
    const incoming = isObject(body.item) && Array.isArray(body.item.items) ? (body.item.items as Json[]) : [];
    for (const [i, line] of incoming.entries()) {
      const path = `item.items[${i}]`;
      if (line.orderLine === undefined) return missingValue('Order Line', `${path}.orderLine`);
      const ordered = order.body.item.items.find((l) => l.line === line.orderLine);
      if (!ordered) return invalidFieldValue('orderLine', line.orderLine, `${path}.orderLine`);
      const draft = drafts.get(line.orderLine as number);
      if (!draft) {
        if (line.itemReceive === false) continue;
        return overFulfilled(line.orderLine as number, ordered.item, num(line.quantity), 0, `${path}.quantity`);
      }
      if (line.item !== undefined && refValue(line.item) !== refValue(draft.line.item)) return invalidFieldValue('item', refValue(line.item), `${path}.item`);
      drafts.set(draft.orderLine, { ...draft, path, line: { ...draft.line, ...line } });
    }

    const received = [...drafts.values()].filter((d) => d.line.itemReceive !== false);
    for (const d of received) {
      const quantity = d.line.quantity;
      if (typeof quantity !== 'number' || !(quantity > 0)) return userError(`The quantity of line ${d.orderLine} must be greater than 0.`, `${d.path}.quantity`);
      if (quantity > d.remaining) return overFulfilled(d.orderLine, d.line.item, quantity, d.remaining, `${d.path}.quantity`);
    }
    if (received.length === 0) return userError('You must enter at least one line item for this transaction.', 'item');

    const externalId = typeof body.externalId === 'string' ? body.externalId : undefined;
    if (externalId !== undefined && this.context.fulfillments.findByKey(externalId).length > 0) {
      this.context.duplicateRefusals.set(externalId, (this.context.duplicateRefusals.get(externalId) ?? 0) + 1);
      return duplicateRecord(externalId);
    }
    const id = this.nextId();
    const record = this.record(id, order, body, received.map((d) => d.line));
    this.context.fulfillments.create(id, externalId, record);
    this.apply(order, received);
    return { status: 204, headers: { location: `${req.url.origin}${FULFILLMENT_PATH}/${id}` }, committed: true };
  }

  read(req: SandboxRequest, target: { kind: 'id'; id: string } | { kind: 'eid'; externalId: string }): Reply {
    const doc = target.kind === 'id' ? this.context.fulfillments.get(target.id) : this.context.fulfillments.findByKey(target.externalId)[0];
    if (!doc) return notFound(req.url.pathname);
    const self = `${req.url.origin}${FULFILLMENT_PATH}/${doc.id}`;
    const expand = req.url.searchParams.get('expandSubResources') === 'true';
    const sublist = (name: string): Json => {
      const value = doc.body[name];
      const items = isObject(value) && Array.isArray(value.items) ? value.items : [];
      return expand ? { links: [{ rel: 'self', href: `${self}/${name}` }], items, count: items.length, hasMore: false, offset: 0, totalResults: items.length } : { links: [{ rel: 'self', href: `${self}/${name}` }] };
    };
    const body: Json = { links: [{ rel: 'self', href: self }], ...doc.body, item: sublist('item') };
    if (doc.body.package !== undefined) body.package = sublist('package');
    return { status: 200, headers: { 'content-type': SINGULAR_TYPE }, body };
  }

  /** Every open line of the order, to be fulfilled in full unless the body says otherwise. */
  private drafts(order: NsSalesOrder): Map<number, Draft> {
    const drafts = new Map<number, Draft>();
    for (const l of order.item.items) {
      const remaining = remainingOf(l);
      if (remaining <= 0 || typeof l.line !== 'number') continue;
      const line: Json = { orderLine: l.line, item: l.item, itemReceive: true, quantity: remaining, quantityRemaining: remaining };
      if (l.location !== undefined) line.location = l.location;
      if (l.description !== undefined) line.description = l.description;
      drafts.set(l.line, { orderLine: l.line, remaining, path: 'item.items', line });
    }
    return drafts;
  }

  private record(id: string, order: StoredDocument<NsSalesOrder>, body: Json, lines: readonly Json[]): Json {
    const now = new Date().toISOString();
    const { item: _item, ...header } = body;
    return {
      tranDate: now.slice(0, 10),
      shipStatus: { id: 'C' },
      ...header,
      id,
      tranId: `IF${id}`,
      entity: order.body.entity,
      createdFrom: { id: order.id, refName: `Sales Order #${order.body.tranId}` },
      createdDate: now,
      lastModifiedDate: now,
      item: {
        items: lines.map((l, i) => {
          const { itemReceive: _receive, quantityRemaining: _remaining, ...rest } = l;
          return { line: i + 1, ...rest };
        }),
      },
    };
  }

  /** The order's lines take the fulfilled units; its status follows. Not a client update of the order. */
  private apply(order: StoredDocument<NsSalesOrder>, received: readonly Draft[]): void {
    const shipped = new Map(received.map((d) => [d.orderLine, num(d.line.quantity)]));
    const items = order.body.item.items.map((l) => {
      const q = shipped.get(l.line as number);
      return q === undefined ? l : { ...l, quantityFulfilled: num(l.quantityFulfilled) + q };
    });
    const open = items.some((l) => remainingOf(l) > 0);
    order.body = { ...order.body, orderStatus: open ? 'D' : 'F', lastModifiedDate: new Date().toISOString(), item: { items } };
  }
}

function overFulfilled(orderLine: number, item: unknown, quantity: number, remaining: number, path: string): Reply {
  return userError(
    `You cannot fulfill more than the quantity remaining on the order: line ${orderLine} (item ${refValue(item) ?? '?'}) has ${remaining} remaining, ${quantity} entered.`,
    path,
  );
}
