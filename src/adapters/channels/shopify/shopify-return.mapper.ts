/**
 * Shopify's returns/* webhooks as canonical return events. The bodies are thin (the return's
 * id, status, order and its lines with quantities and reasons), which is enough to move the
 * case's units: prices, disposition locations and exchange prices live on the Admin GraphQL
 * `return(id:)`, and the money always comes from refunds/create. Shopify may fire a topic more
 * than once for one change; the event key (X-Shopify-Event-Id) makes the second one harmless.
 */
import { isObject, requiredId, text, type Json } from './shopify-fields.js';
import type { CanonicalReturnEvent, ReturnEventKind, ReturnLineQuantity } from '../../../canonical/return.js';
import { exchangeLines } from './shopify-exchange-lines.js';


export class ShopifyReturnError extends Error {
  constructor(readonly field: string, reason: string) {
    super(`${field}: ${reason}`);
  }
}

/** Each topic and what it does to the case; returns/update re-lists the lines at the return's current status. */
export const SHOPIFY_RETURN_TOPICS = [
  'returns/request', 'returns/approve', 'returns/decline', 'returns/cancel', 'returns/close', 'returns/reopen', 'returns/update',
] as const;

const KIND: Readonly<Record<string, ReturnEventKind>> = {
  'returns/request': 'REQUESTED',
  'returns/approve': 'APPROVED',
  'returns/decline': 'DECLINED',
  'returns/cancel': 'CANCELLED',
  'returns/close': 'CLOSED',
  'returns/reopen': 'REOPENED',
};


const id = (value: unknown, field: string): string => requiredId(value, field, (f, reason) => new ShopifyReturnError(f, reason));

/** A GraphQL gid (gid://shopify/Order/123) or a bare id, as the bare id. */
function bareId(value: unknown, field: string): string {
  if (typeof value === 'string' && value.startsWith('gid://')) return id(value.slice(value.lastIndexOf('/') + 1), field);
  return id(value, field);
}

function lines(body: Json): ReturnLineQuantity[] {
  const raw = body.return_line_items;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ShopifyReturnError('return_line_items', 'is not a list');
  return raw.map((item, i) => {
    const at = `return_line_items[${i}]`;
    if (!isObject(item)) throw new ShopifyReturnError(at, 'is not an object');
    const fulfillmentLine = isObject(item.fulfillment_line_item) ? item.fulfillment_line_item : null;
    const lineItem = fulfillmentLine && isObject(fulfillmentLine.line_item) ? fulfillmentLine.line_item : isObject(item.line_item) ? item.line_item : null;
    if (!lineItem) throw new ShopifyReturnError(`${at}.fulfillment_line_item.line_item.id`, 'is required (an unverified return line cannot be tied to an order line)');
    const quantity = item.quantity;
    if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 0) throw new ShopifyReturnError(`${at}.quantity`, 'is not a whole number ≥ 0');
    const reason = text(item.return_reason_definition && isObject(item.return_reason_definition) ? item.return_reason_definition.handle : null) ?? text(item.return_reason);
    return { lineRef: bareId(lineItem.id, `${at}.fulfillment_line_item.line_item.id`), quantity, reason };
  });
}

/** The kind a returns/update (or any topic without its own) stands for, from the return's status. */
function kindOfStatus(status: string | null): ReturnEventKind {
  switch (status?.toLowerCase()) {
    case 'open': return 'APPROVED';
    case 'declined': return 'DECLINED';
    case 'canceled': case 'cancelled': return 'CANCELLED';
    case 'closed': return 'CLOSED';
    default: return 'REQUESTED';
  }
}

export interface ShopifyReturnContext {
  readonly topic: string;
  readonly account: string;
  readonly eventKey: string;
}

export function mapShopifyReturn(body: unknown, context: ShopifyReturnContext): CanonicalReturnEvent {
  if (!isObject(body)) throw new ShopifyReturnError('body', 'is not an object');
  const returnRef = bareId(body.id ?? body.admin_graphql_api_id, 'id');
  const order = isObject(body.order) ? body.order : null;
  const orderRef = bareId(order?.id ?? order?.admin_graphql_api_id ?? body.order_id, 'order.id');
  const status = text(body.status);
  const kind = KIND[context.topic] ?? kindOfStatus(status);
  // Whole-case events carry no unit counts; the request and approval list what the customer sends back.
  const carriesUnits = kind === 'REQUESTED' || kind === 'APPROVED';
  const occurredAt = text(body.updated_at) ?? text(body.closed_at) ?? text(body.request_approved_at) ?? text(body.created_at);
  return {
    kind,
    source: { system: 'SHOPIFY', account: context.account, eventKey: context.eventKey, occurredAt: occurredAt && !Number.isNaN(Date.parse(occurredAt)) ? new Date(occurredAt).toISOString() : null },
    identity: { channel: 'SHOPIFY', account: context.account, orderExternalId: orderRef, returnRef, rmaRef: null },
    lines: carriesUnits ? lines(body) : [],
    refund: null,
    exchangeLines: carriesUnits ? exchangeLines(body, (field, reason) => new ShopifyReturnError(field, reason)) : [],
    description: `${context.topic}${status ? ` (${status})` : ''}${text(body.name) ? ` ${text(body.name)}` : ''}`,
  };
}
