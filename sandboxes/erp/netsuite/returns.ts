/**
 * Returns, as NetSuite records them from a sales order:
 *
 *   POST …/salesOrder/{id | eid:…}/!transform/returnAuthorization[?replace=item]       → 204 + Location
 *   POST …/returnAuthorization/{id | eid:…}/!transform/itemReceipt                     → 204 + Location
 *   POST …/returnAuthorization/{id | eid:…}/!transform/creditMemo[?replace=item]        → 204 + Location
 *   POST …/cashSale/{id | eid:…}/!transform/returnAuthorization, …/returnAuthorization/{id}/!transform/cashRefund
 *        (a cash sale is returned through an authorization and paid back at once by a cash refund, never a credit memo)
 *   GET  …/{returnAuthorization | itemReceipt | creditMemo}/{id | eid:…}[?expandSubResources=true]
 *
 * A transform starts from the source's lines and merges the body's lines into them by `orderLine`;
 * with ?replace=item the body's lines are the record's lines. NetSuite's rules, in its order: field
 * types (fields.ts), a source that can be returned (a sales order not pending approval, cancelled or
 * closed; an authorization approved and not closed), lines that exist on the source with its item,
 * quantities above zero and within what is left (sold less already authorized; authorized less
 * received, or less credited), a location on every received line, tax codes the account has, at
 * least one line, and at save the external id, unique per record type. A credit memo's total is
 * computed as a sales order's (totals.ts). Refund in advance of return is allowed (the account
 * preference on), so a credit memo needs no receipt.
 *
 *   PUT  …/customerRefund/eid:{externalId}  upsert → 204 + Location;  GET …/customerRefund/{id | eid:…}
 * A customer refund pays a customer's credit memos back (apply sublist), at most what each has left.
 */
import type { Knobs } from '../shared/knobs.js';
import type { Reply, SandboxRequest } from '../shared/http.js';
import type { StoredDocument } from '../shared/store.js';
import { duplicateRecord, invalidFieldValue, missingValue, notFound, userError } from './errors.js';
import { CASH_REFUND_FIELDS, CREDIT_MEMO_FIELDS, CUSTOMER_REFUND_FIELDS, ITEM_RECEIPT_FIELDS, RETURN_AUTHORIZATION_FIELDS, type FieldTable } from './fields.js';
import type { NsSalesOrder } from './records.js';
import { decimalOf, minorToNumber, productMinor, toMinor } from '../shared/decimal.js';
import { currencyExponentOf, unknownTaxCodeOf, withTotals } from './totals.js';
import { refValue, validateTransformBody } from './validate.js';

type Json = Record<string, unknown>;
export type ReturnRecordType = 'returnAuthorization' | 'itemReceipt' | 'creditMemo' | 'customerRefund' | 'cashRefund';
export type Target = { kind: 'id'; id: string } | { kind: 'eid'; externalId: string };

export const RETURN_RECORD_TYPES: readonly ReturnRecordType[] = ['returnAuthorization', 'itemReceipt', 'creditMemo', 'customerRefund', 'cashRefund'];
const RECORD_BASE = '/services/rest/record/v1';
const SINGULAR_TYPE = 'application/vnd.oracle.resource+json; type=singular; charset=UTF-8';
const PREFIX: Record<ReturnRecordType, string> = { returnAuthorization: 'RA', itemReceipt: 'IR', creditMemo: 'CM', customerRefund: 'CR', cashRefund: 'CRF' };

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const linesOf = (record: Json): Json[] => (isObject(record.item) && Array.isArray(record.item.items) ? (record.item.items as Json[]).filter(isObject) : []);

interface ReturnRecord extends Json {
  id: string;
  /** Absent on a customer refund, whose lines are its apply sublist. */
  item: { items: Json[] };
}

/** One source line a transform can draw on, with what it has left. */
interface Source {
  readonly line: Json;
  readonly left: number;
}

export class NetSuiteReturns {
  readonly records: Record<ReturnRecordType, Map<string, ReturnRecord>> = {
    returnAuthorization: new Map(), itemReceipt: new Map(), creditMemo: new Map(), customerRefund: new Map(), cashRefund: new Map(),
  };

  constructor(
    private readonly knobs: () => Knobs,
    private readonly nextId: () => string,
  ) {}

  reset(): void {
    for (const type of RETURN_RECORD_TYPES) this.records[type].clear();
  }

  find(type: ReturnRecordType, target: Target): ReturnRecord | undefined {
    const all = this.records[type];
    return target.kind === 'id' ? all.get(target.id) : [...all.values()].find((r) => r.externalId === target.externalId);
  }

  read(req: SandboxRequest, type: ReturnRecordType, target: Target): Reply {
    const record = this.find(type, target);
    if (!record) return notFound(req.url.pathname);
    const self = `${req.url.origin}${RECORD_BASE}/${type}/${record.id}`;
    const items = record.item?.items ?? [];
    const item = req.url.searchParams.get('expandSubResources') === 'true'
      ? { links: [{ rel: 'self', href: `${self}/item` }], items, count: items.length, hasMore: false, offset: 0, totalResults: items.length }
      : { links: [{ rel: 'self', href: `${self}/item` }] };
    const shown = type === 'customerRefund' ? record : { ...record, item };
    return { status: 200, headers: { 'content-type': SINGULAR_TYPE }, body: { links: [{ rel: 'self', href: self }], ...shown } };
  }

  /** GET /_sandbox/returns: every return record, lines expanded. */
  list(): Json {
    return Object.fromEntries(RETURN_RECORD_TYPES.map((type) => [`${type}s`, [...this.records[type].values()]]));
  }

  fromSalesOrder(req: SandboxRequest, order: StoredDocument<NsSalesOrder>, body: Json, kind: 'salesOrder' | 'cashSale' = 'salesOrder'): Reply {
    const status = refValue(order.body.orderStatus) ?? order.body.orderStatus;
    if (kind === 'salesOrder' && (status === 'A' || status === 'C' || status === 'H')) {
      return userError(`You cannot create a return authorization from sales order ${order.body.tranId} in status ${String(status)}.`);
    }
    const authorized = new Map<number, number>();
    for (const ra of this.records.returnAuthorization.values()) {
      if (refValue(ra.createdFrom) !== order.id) continue;
      for (const l of ra.item.items) if (typeof l.orderLine === 'number') authorized.set(l.orderLine, (authorized.get(l.orderLine) ?? 0) + num(l.quantity));
    }
    const sources = new Map<number, Source>();
    for (const l of order.body.item.items) {
      if (typeof l.line === 'number' && typeof l.quantity === 'number') sources.set(l.line, { line: l, left: l.quantity - (authorized.get(l.line) ?? 0) });
    }
    const made = this.transform(req, 'returnAuthorization', RETURN_AUTHORIZATION_FIELDS, body, sources, 'sold and not yet authorized for return', currencyExponentOf(order.body));
    if (!made.ok) return made.reply;
    return this.save(req, 'returnAuthorization', body, made.lines, {
      orderStatus: { id: 'B' }, ...body, entity: order.body.entity, currency: order.body.currency,
      createdFrom: { id: order.id, refName: `${kind === 'cashSale' ? 'Cash Sale' : 'Sales Order'} #${order.body.tranId}` },
    });
  }

  fromReturnAuthorization(req: SandboxRequest, ra: ReturnRecord, to: 'itemReceipt' | 'creditMemo' | 'cashRefund', body: Json): Reply {
    const fromCashSale = String((ra.createdFrom as Json | undefined)?.refName ?? '').startsWith('Cash Sale');
    if ((to === 'creditMemo' && fromCashSale) || (to === 'cashRefund' && !fromCashSale)) {
      return userError(`The transformation from returnAuthorization to ${to} is not supported for an authorization from ${fromCashSale ? 'a cash sale' : 'a sales order'}.`);
    }
    if (to === 'cashRefund' && body.account === undefined && body.paymentMethod === undefined && body.undepFunds !== true) return missingValue('Account', 'account');
    const status = refValue(ra.orderStatus) ?? String(ra.orderStatus);
    if (status === 'A' || status === 'C' || status === 'H') {
      return userError(`The return authorization ${String(ra.tranId)} is ${status === 'A' ? 'pending approval' : 'closed'}; it cannot be ${to === 'itemReceipt' ? 'received' : 'credited'}.`);
    }
    const done = to === 'itemReceipt' ? 'quantityReceived' : 'quantityBilled';
    const sources = new Map<number, Source>();
    for (const l of ra.item.items) sources.set(l.line as number, { line: { ...l, orderLine: l.line }, left: num(l.quantity) - num(l[done]) });
    const table = to === 'itemReceipt' ? ITEM_RECEIPT_FIELDS : to === 'cashRefund' ? CASH_REFUND_FIELDS : CREDIT_MEMO_FIELDS;
    const made = this.transform(req, to, table, body, sources, to === 'itemReceipt' ? 'authorized and not yet received' : 'authorized and not yet credited', currencyExponentOf(ra));
    if (!made.ok) return made.reply;
    if (to === 'itemReceipt') {
      const unplaced = made.lines.findIndex((l) => l.location === undefined && ra.location === undefined);
      if (unplaced >= 0) return missingValue('Location', `item.items[${unplaced}].location`);
    } else {
      const tax = unknownTaxCodeOf({ ...body, item: { items: made.lines } }, this.knobs());
      if (tax) return invalidFieldValue('taxCode', tax.code, tax.path);
    }
    const header: Json = { ...body, entity: ra.entity, currency: ra.currency, createdFrom: { id: ra.id, refName: `Return Authorization #${String(ra.tranId)}` } };
    const reply = this.save(req, to, body, made.lines, header);
    if (reply.status !== 204) return reply;
    const taken = new Map(made.lines.map((l) => [l.orderLine as number, num(l.quantity)]));
    ra.item.items = ra.item.items.map((l) => (taken.has(l.line as number) ? { ...l, [done]: num(l[done]) + (taken.get(l.line as number) ?? 0) } : l));
    const open = (field: string): boolean => ra.item.items.some((l) => num(l[field]) < num(l.quantity));
    // Pending Receipt / Partially Received / Pending Refund / Refunded, as NetSuite moves an RA along.
    ra.orderStatus = { id: !open('quantityBilled') ? 'G' : !open('quantityReceived') ? 'F' : ra.item.items.some((l) => num(l.quantityReceived) > 0) ? 'D' : 'B' };
    return reply;
  }

  /**
   * PUT customerRefund/eid:{externalId}: NetSuite's upsert. Each applied line names a credit memo of
   * the customer and at most what it has left; an update first gives back what the refund applied.
   */
  upsertCustomerRefund(req: SandboxRequest, externalId: string, body: Json): Reply {
    const problem = validateTransformBody(body, CUSTOMER_REFUND_FIELDS, 'customerRefund');
    if (problem) return problem;
    if (body.externalId !== undefined && body.externalId !== externalId) return invalidFieldValue('externalId', body.externalId, 'externalId');
    const existing = this.find('customerRefund', { kind: 'eid', externalId });
    const customer = refValue(body.customer ?? existing?.customer);
    if (customer === undefined) return missingValue('Customer', 'customer');
    if (refValue(body.account ?? existing?.account) === undefined) return missingValue('Account', 'account');
    const given = isObject(body.apply) && Array.isArray(body.apply.items) ? (body.apply.items as Json[]).filter(isObject) : undefined;
    const applied = (given ?? (existing?.apply as { items: Json[] } | undefined)?.items ?? []).filter((l) => l.apply !== false);
    const giveBack = new Map<string, number>();
    for (const l of (existing?.apply as { items: Json[] } | undefined)?.items ?? []) giveBack.set(String(refValue(l.doc)), (giveBack.get(String(refValue(l.doc))) ?? 0) + num(l.amount));
    for (const [i, l] of applied.entries()) {
      const memo = this.find('creditMemo', { kind: 'id', id: String(refValue(l.doc)) });
      if (!memo || refValue(memo.entity) !== customer) return invalidFieldValue('doc', refValue(l.doc), `apply.items[${i}].doc`);
      const left = num(memo.amountRemaining) + (giveBack.get(memo.id) ?? 0);
      if (!(num(l.amount) > 0) || num(l.amount) > left + 1e-9) return userError(`You cannot apply ${num(l.amount)} to credit memo ${String(memo.tranId)}: it has ${left} remaining.`, `apply.items[${i}].amount`);
    }
    if (applied.length === 0) return userError('You must apply the refund to at least one transaction.', 'apply');
    const id = existing?.id ?? this.nextId();
    const e = currencyExponentOf(this.find('creditMemo', { kind: 'id', id: String(refValue(applied[0].doc)) }) ?? {});
    const minor = (v: unknown): bigint => { const d = decimalOf(v); return d ? toMinor(d, e) : 0n; };
    const move = (doc: string, amount: number, sign: bigint): void => {
      const memo = this.find('creditMemo', { kind: 'id', id: doc });
      if (memo) memo.amountRemaining = minorToNumber(minor(memo.amountRemaining) + sign * minor(amount), e);
    };
    for (const [doc, amount] of giveBack) move(doc, amount, 1n);
    for (const l of applied) move(String(refValue(l.doc)), num(l.amount), -1n);
    const now = new Date().toISOString();
    const record: ReturnRecord = {
      tranDate: now.slice(0, 10), ...existing, ...body, id, externalId, tranId: existing?.tranId ?? `${PREFIX.customerRefund}${id}`,
      createdDate: existing?.createdDate ?? now, lastModifiedDate: now, item: { items: [] },
      apply: { items: applied.map((l, i) => ({ line: i + 1, ...l, apply: true })) },
      total: minorToNumber(applied.reduce((n, l) => n + minor(l.amount), 0n), e),
    };
    delete (record as Json).item;
    this.records.customerRefund.set(id, record);
    return { status: 204, headers: { location: `${req.url.origin}${RECORD_BASE}/customerRefund/${id}` }, committed: true };
  }

  /** The record's lines: the source's, merged with or replaced by the body's, checked against what each source line has left. */
  private transform(
    req: SandboxRequest, type: ReturnRecordType, table: FieldTable, body: Json, sources: Map<number, Source>, leftLabel: string, exponent: number,
  ): { ok: true; lines: Json[] } | { ok: false; reply: Reply } {
    const fail = (reply: Reply): { ok: false; reply: Reply } => ({ ok: false, reply });
    const problem = validateTransformBody(body, table, type);
    if (problem) return fail(problem);
    const replace = (req.url.searchParams.get('replace') ?? '').split(',').map((s) => s.trim()).includes('item');
    const drafts = new Map<number, { line: Json; path: string }>();
    if (!replace) {
      for (const [orderLine, s] of sources) if (s.left > 0) drafts.set(orderLine, { line: { ...pick(s.line), orderLine, quantity: s.left }, path: 'item.items' });
    }
    const extra: { line: Json; path: string }[] = [];
    for (const [i, line] of linesOf(body).entries()) {
      const path = `item.items[${i}]`;
      if (line.orderLine === undefined) {
        // A line of the authorization's own (a charge); receipts and credits only draw on the source.
        if (type !== 'returnAuthorization') return fail(missingValue('Order Line', `${path}.orderLine`));
        if (line.item === undefined) return fail(missingValue('Item', `${path}.item`));
        extra.push({ line, path });
        continue;
      }
      const source = sources.get(line.orderLine as number);
      if (!source) return fail(invalidFieldValue('orderLine', line.orderLine, `${path}.orderLine`));
      if (line.item !== undefined && refValue(line.item) !== refValue(source.line.item)) return fail(invalidFieldValue('item', refValue(line.item), `${path}.item`));
      const base = drafts.get(line.orderLine as number)?.line ?? { ...pick(source.line), orderLine: line.orderLine, quantity: source.left };
      const merged: Json = { ...base, ...line };
      // A line given other units and no amount is priced afresh: quantity × rate, as NetSuite does.
      if (line.amount === undefined && line.quantity !== undefined) delete merged.amount;
      drafts.set(line.orderLine as number, { line: priced(merged, exponent), path });
    }
    const chosen = [...drafts.values(), ...extra].filter((d) => d.line.itemReceive !== false);
    for (const d of chosen) {
      const quantity = d.line.quantity;
      if (typeof quantity !== 'number' || !(quantity > 0)) return fail(userError(`The quantity of ${d.path} must be greater than 0.`, `${d.path}.quantity`));
      const source = d.line.orderLine === undefined ? undefined : sources.get(d.line.orderLine as number);
      if (source && quantity > source.left) {
        return fail(userError(`You cannot enter more than the quantity ${leftLabel}: line ${String(d.line.orderLine)} (item ${refValue(d.line.item) ?? '?'}) has ${Math.max(0, source.left)}, ${quantity} entered.`, `${d.path}.quantity`));
      }
    }
    if (chosen.length === 0) return fail(userError('You must enter at least one line item for this transaction.', 'item'));
    return { ok: true, lines: chosen.map((d) => { const { itemReceive: _r, ...rest } = d.line; return rest; }) };
  }

  private save(req: SandboxRequest, type: ReturnRecordType, body: Json, lines: Json[], header: Json): Reply {
    const externalId = typeof body.externalId === 'string' ? body.externalId : undefined;
    if (externalId !== undefined && this.find(type, { kind: 'eid', externalId })) return duplicateRecord(externalId);
    const id = this.nextId();
    const now = new Date().toISOString();
    const { item: _item, ...fields } = header;
    let record: ReturnRecord = {
      tranDate: now.slice(0, 10), ...fields, id, tranId: `${PREFIX[type]}${id}`, createdDate: now, lastModifiedDate: now,
      item: { items: lines.map((l, i) => ({ line: i + 1, ...l })) },
    };
    if (type === 'creditMemo' || type === 'cashRefund') record = withTotals(record as unknown as NsSalesOrder, this.knobs()) as unknown as ReturnRecord;
    if (type === 'creditMemo') Object.assign(record, { status: { id: 'A' }, amountRemaining: record.total });
    this.records[type].set(id, record);
    return { status: 204, headers: { location: `${req.url.origin}${RECORD_BASE}/${type}/${id}` }, committed: true };
  }
}

/** A line without an amount gets quantity × rate, rounded to the currency. */
function priced(line: Json, exponent: number): Json {
  if (line.amount !== undefined) return line;
  const quantity = decimalOf(line.quantity);
  const rate = decimalOf(line.rate);
  return quantity && rate ? { ...line, amount: minorToNumber(productMinor(quantity, rate, exponent), exponent) } : line;
}

/** The fields a line carries over from the line it is transformed from. */
function pick(line: Json): Json {
  const out: Json = {};
  for (const key of ['item', 'description', 'rate', 'amount', 'location', 'taxCode', 'taxDetailsReference']) if (line[key] !== undefined) out[key] = line[key];
  return out;
}
