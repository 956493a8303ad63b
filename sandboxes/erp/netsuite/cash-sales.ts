/**
 * Cash sales, as NetSuite's record/v1 cashSale takes them:
 *
 *   PUT …/cashSale/eid:{externalId}[?replace=item[,taxDetails]]  upsert → 204 + Location
 *   GET …/cashSale/{id | eid:…}[?expandSubResources=true]
 *
 * A cash sale is sale, payment and stock relief at once. NetSuite's rules, as this sandbox keeps
 * them: a customer and at least one item line; the money goes to Undeposited Funds (undepFunds
 * true) or to a named account (undepFunds false needs `account`); each item line leaves a
 * location (its own or the header's), since the stock is relieved when the sale is saved. Totals
 * are computed as for the sales order (totals.ts). External ids are unique per record type: a
 * second PUT with the key updates the same cash sale.
 */
import type { Reply, SandboxRequest } from '../shared/http.js';
import type { Knobs } from '../shared/knobs.js';
import { invalidContent, missingValue, notFound } from './errors.js';
import { CASH_SALE_FIELDS } from './fields.js';
import { newRecord, presentRecord, updatedRecord, type NsSalesOrder } from './records.js';
import { withTotals } from './totals.js';
import { validateSalesOrder } from './validate.js';

type Json = Record<string, unknown>;
type Target = { kind: 'id'; id: string } | { kind: 'eid'; externalId: string };

const RECORD_BASE = '/services/rest/record/v1';
const SINGULAR_TYPE = 'application/vnd.oracle.resource+json; type=singular; charset=UTF-8';
export const CASH_SALE_PATH = `${RECORD_BASE}/cashSale`;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export class NetSuiteCashSales {
  private readonly sales = new Map<string, NsSalesOrder>();

  constructor(
    private readonly knobs: () => Knobs,
    private readonly nextId: () => string,
  ) {}

  reset(): void {
    this.sales.clear();
  }

  /** GET /_sandbox/cash-sales: every cash sale kept, with its lines and totals. */
  list(): NsSalesOrder[] {
    return [...this.sales.values()];
  }

  find(target: Target): NsSalesOrder | undefined {
    return target.kind === 'id' ? this.sales.get(target.id) : [...this.sales.values()].find((s) => s.externalId === target.externalId);
  }

  read(req: SandboxRequest, target: Target): Reply {
    const sale = this.find(target);
    if (!sale) return notFound(req.url.pathname);
    const expand = req.url.searchParams.get('expandSubResources') === 'true';
    return { status: 200, headers: { 'content-type': SINGULAR_TYPE }, body: presentRecord(sale, this.selfUrl(req, sale.id), expand) };
  }

  upsert(req: SandboxRequest, externalId: string, body: Json): Reply {
    if (body.externalId !== undefined && body.externalId !== externalId) {
      return invalidContent('Error while accessing a resource. The externalId in the body differs from the one in the URL.', 'externalId');
    }
    const existing = this.find({ kind: 'eid', externalId });
    const problem = validateSalesOrder(body, existing ? 'update' : 'create', this.knobs(), CASH_SALE_FIELDS, 'cashSale');
    if (problem) return problem;
    const replace = (req.url.searchParams.get('replace') ?? '').split(',').map((s) => s.trim());
    const next = existing ? updatedRecord(existing, body, replace) : newRecord(this.nextId(), { ...body, externalId, tranId: undefined });
    const rules = this.payment(next) ?? this.locations(next);
    if (rules) return rules;
    const record = withTotals({ ...next, tranId: existing?.tranId ?? `CS${next.id}` }, this.knobs());
    delete (record as Json).orderStatus;
    this.sales.set(record.id, record);
    return { status: 204, headers: { location: this.selfUrl(req, record.id) }, committed: true };
  }

  /** The money is deposited somewhere: Undeposited Funds, or the account named. */
  private payment(sale: Json): Reply | undefined {
    if (sale.undepFunds === true) return undefined;
    return sale.account === undefined ? missingValue('Account', 'account') : undefined;
  }

  /** Every item line leaves a location: the stock is relieved when the cash sale is saved. */
  private locations(sale: NsSalesOrder): Reply | undefined {
    if (sale.location !== undefined) return undefined;
    const taxItems = this.knobs().taxItems;
    for (const [i, line] of sale.item.items.entries()) {
      const item = isObject(line.item) ? String(line.item.id ?? line.item.externalId) : undefined;
      if (line.location === undefined && !(item && taxItems.includes(item))) return missingValue('Location', `item.items[${i}].location`);
    }
    return undefined;
  }

  private selfUrl(req: SandboxRequest, id: string): string {
    return `${req.url.origin}${CASH_SALE_PATH}/${id}`;
  }
}
