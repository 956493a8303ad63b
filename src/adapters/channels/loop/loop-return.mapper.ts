/**
 * Loop Returns webhooks as canonical return events (research: returns.md §2.1).
 *
 * Loop is a returns platform on a Shopify store: it names the order by `provider_order_id`
 * (Shopify's order id) and its own return id, so its events file under the Shopify order with
 * the Loop return as the case's RMA. Shopify's refunds/create for the same order joins that case
 * (see the returns module's CaseStore.resolve), so one return is one case whichever system
 * reports it. Money comes from Shopify's refunds, with one exception: a gift card Loop asks a
 * third-party provider to issue (giftcard.requested) is not a Shopify refund, so it is one here.
 */
import { idToString } from '../../../canonical/references.js';
import { parseDecimal, type Money } from '../../../canonical/money.js';
import type { CanonicalReturnEvent, ReturnEventKind, ReturnLineQuantity } from '../../../canonical/return.js';
import type { LoopTrigger } from './loop-event-key.js';

export class LoopEventError extends Error {
  constructor(readonly field: string, reason: string) {
    super(`${field}: ${reason}`);
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

function id(value: unknown, field: string): string {
  let parsed: string | null;
  try {
    parsed = idToString(value);
  } catch (error) {
    throw new LoopEventError(field, (error as Error).message);
  }
  if (parsed === null) throw new LoopEventError(field, 'is required');
  return parsed;
}

function units(value: unknown, field: string, fallback: number | null): number {
  if ((value === undefined || value === null) && fallback !== null) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw new LoopEventError(field, 'is not a whole number ≥ 1');
  return n;
}

function amount(value: unknown, currency: string, field: string): Money {
  if (typeof value !== 'string' && typeof value !== 'number') throw new LoopEventError(field, 'is required');
  try {
    return parseDecimal(value, currency);
  } catch (error) {
    throw new LoopEventError(field, (error as Error).message);
  }
}

const iso = (value: string | null): string | null => (value !== null && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null);

/** Loop's return states as what they do to the case. */
function kindOfState(state: string | null): ReturnEventKind {
  switch (state?.toLowerCase()) {
    case 'open': return 'APPROVED';
    case 'closed': return 'CLOSED';
    // Expired: the label lapsed unused (28 days); nothing comes back.
    case 'cancelled': case 'canceled': case 'expired': return 'CANCELLED';
    // review / "needs review": blocked until the merchant approves.
    default: return 'REQUESTED';
  }
}

/** Loop lists one line_items entry per returned unit, named by Shopify's line item id. */
function returnLines(body: Json): ReturnLineQuantity[] {
  const raw = body.line_items;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new LoopEventError('line_items', 'is not a list');
  return raw.map((item, i) => {
    const at = `line_items[${i}]`;
    if (!isObject(item)) throw new LoopEventError(at, 'is not an object');
    const reason = text(item.reason) ?? text(item.return_reason) ?? (isObject(item.reason) ? text(item.reason.name) : null);
    return { lineRef: id(item.provider_line_item_id, `${at}.provider_line_item_id`), quantity: units(item.quantity, `${at}.quantity`, 1), reason };
  });
}

/** Carrier scans that mean the parcel is on its way (EasyPost's statuses, as Loop passes them). */
const MOVING = new Set(['in_transit', 'out_for_delivery', 'delivered']);

/**
 * restock_items is keyed by Shopify's order line id in Loop's reference, a list in its newer
 * pages; either way each item must name the order line, since the case counts units per line.
 */
function restockLines(body: Json): ReturnLineQuantity[] {
  const raw = body.restock_items;
  const entries: [string | null, unknown, string][] = Array.isArray(raw)
    ? raw.map((item, i) => [null, item, `restock_items[${i}]`])
    : isObject(raw) ? Object.entries(raw).map(([key, item]) => [key, item, `restock_items.${key}`]) : [];
  if (entries.length === 0) throw new LoopEventError('restock_items', 'names nothing restocked');
  return entries.map(([key, item, at]) => {
    if (!isObject(item)) throw new LoopEventError(at, 'is not an object');
    const line = key ?? idToString(item.provider_line_item_id ?? item.line_item_id);
    if (line === null) throw new LoopEventError(`${at}.line_item_id`, `is required: variant ${idToString(item.variant_id) ?? '?'} alone does not say which order line came back`);
    const locationRef = item.location_id === undefined || item.location_id === null ? null : id(item.location_id, `${at}.location_id`);
    return { lineRef: line, quantity: units(item.available_adjustment, `${at}.available_adjustment`, null), disposition: 'RESTOCK', locationRef };
  });
}

export interface LoopEventContext {
  readonly trigger: LoopTrigger;
  /** The Shopify shop the Loop account serves (the account in the webhook URL). */
  readonly account: string;
  readonly eventKey: string;
  /** When the hub kept the delivery: the time of an event whose body names none. */
  readonly receivedAt: string;
}

/** One Loop delivery → one canonical event. Throws LoopEventError naming the field it cannot use. */
export function mapLoopEvent(body: unknown, context: LoopEventContext): CanonicalReturnEvent {
  if (!isObject(body)) throw new LoopEventError('body', 'is not an object');
  const { trigger, account, eventKey } = context;
  const giftcard = trigger === 'giftcard.requested';
  const orderExternalId = id(giftcard ? body.external_order_id : body.provider_order_id, giftcard ? 'external_order_id' : 'provider_order_id');
  const rmaRef = id(giftcard || trigger.startsWith('label.') ? body.return_id : body.id, giftcard || trigger.startsWith('label.') ? 'return_id' : 'id');
  const base = {
    identity: { channel: 'SHOPIFY', account, orderExternalId, returnRef: null, rmaRef },
    refund: null,
    exchangeLines: [],
  };
  const source = (at: unknown) => ({ system: 'LOOP', account, eventKey, occurredAt: iso(text(at)) });

  if (trigger.startsWith('return.')) {
    const state = text(body.state);
    const kind = trigger === 'return.closed' ? 'CLOSED' : kindOfState(state);
    return {
      ...base, kind, source: source(body.edited_at ?? body.created_at),
      lines: kind === 'REQUESTED' || kind === 'APPROVED' ? returnLines(body) : [],
      description: `${trigger}${state ? ` (${state})` : ''}`,
    };
  }
  if (trigger.startsWith('label.')) {
    const status = text(body.label_status);
    const moving = status !== null && MOVING.has(status.toLowerCase());
    const label = [status ?? 'no status', text(body.carrier), idToString(body.tracking_number)].filter(Boolean).join(', ');
    // A label names the return, not its lines: once the carrier has it, all the case's units
    // are on their way. Before that (new, pre_transit, error) it only says the return was approved.
    return {
      ...base, kind: moving ? 'IN_TRANSIT' : 'APPROVED', allUnits: moving, source: source(body.label_updated_at), lines: [],
      description: `${trigger} (${label})`,
    };
  }
  if (trigger === 'restock.requested') {
    return { ...base, kind: 'DISPOSITIONED', source: source(null), lines: restockLines(body), description: trigger };
  }
  const currency = text(body.currency);
  if (currency === null) throw new LoopEventError('currency', 'is required');
  const credit = amount(body.total_credit_issued, currency, 'total_credit_issued');
  if (credit.amount <= 0n) throw new LoopEventError('total_credit_issued', 'is not a positive amount');
  const ref = `loop-giftcard-${id(body.id, 'id')}`;
  const processedAt = iso(text(body.created_at)) ?? context.receivedAt;
  // The payload names no lines, so the credit is one adjustment, paid as a gift card (a liability, not cash).
  return {
    ...base, kind: 'REFUNDED', source: source(body.created_at), lines: [],
    refund: {
      externalId: ref, processedAt, note: 'Loop store credit issued as a gift card',
      components: [{ kind: 'ADJUSTMENT', amount: credit, lineRef: null, quantity: 0, restockType: null, locationRef: null }],
      transactions: [{ externalId: ref, tender: 'GIFT_CARD', gateway: 'loop_gift_card', status: 'SUCCESS', amount: credit }],
    },
    description: `${trigger} (${text(String(body.total_credit_issued))} ${currency})`,
  };
}
