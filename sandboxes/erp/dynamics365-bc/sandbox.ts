/**
 * Business Central sandbox: API v2.0 salesOrders with salesOrderLines, behind the Microsoft
 * identity platform's client-credentials tokens, with OData error bodies, etags and 429 +
 * Retry-After over the concurrency cap.
 *
 *   POST  /{tenant}/oauth2/v2.0/token                                   client-credentials token
 *   GET   /{tenant}/{env}/api/v2.0/companies
 *   POST  .../companies({id})/salesOrders                               deep insert with salesOrderLines → 201
 *   GET   .../companies({id})/salesOrders?$filter=externalDocumentNumber eq '...'&$expand=salesOrderLines
 *   GET   .../companies({id})/salesOrders({id})                         with @odata.etag
 *   PATCH .../companies({id})/salesOrders({id})                         If-Match required; 412 when stale
 *   DELETE .../companies({id})/salesOrders({id})                        If-Match required; refused once lines shipped
 *   GET   .../companies({id})/salesOrders({id})/salesOrderLines
 *   PATCH | DELETE .../salesOrders({id})/salesOrderLines({lineId})    If-Match (order-lines.ts)
 *   POST  .../salesOrders({id})/salesOrderLines                       a line added (order-lines.ts)
 *   POST  .../salesOrders({id})/Microsoft.NAV.shipAndInvoice            → 204 (shipping.ts)
 *   GET   .../companies({id})/salesShipments[({id})[/salesShipmentLines]] read-only, $filter
 *   .../companies({id})/journals[({id})[/journalLines | /Microsoft.NAV.post]], generalLedgerEntries (journals.ts); GET /_sandbox/journals
 *   .../companies({id})/salesInvoices[({id})[/Microsoft.NAV.post]], customerPaymentJournals[({id})/customerPayments] (sales-invoices.ts);
 *         GET /_sandbox/sales-invoices
 * The API paths may also carry BC's /v2.0 prefix (/v2.0/{tenant}/{env}/api/v2.0/...).
 * Amounts and totals are computed as BC does (amounts.ts) from the tax-code table (knob taxRates);
 * an unknown tax code is refused. Knob lateCommitMs: a deep insert commits (and is answered) that
 * long after it arrived, so a client with a shorter timeout gives up on a document that lands later.
 */
import { randomUUID } from 'node:crypto';
import { SandboxContext } from '../shared/context.js';
import { header, jsonObject, type Reply, type SandboxRequest } from '../shared/http.js';
import type { Knobs } from '../shared/knobs.js';
import { startSandboxServer, type RunningSandbox, type SandboxServerOptions, type SandboxVariant } from '../shared/server.js';
import type { StoredDocument } from '../shared/store.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { priceLine, pricingOf, totalOrder, unknownTaxCode, type Pricing } from './amounts.js';
import { ODATA_HEADERS, badRequest, dialog, entityNotFound, odataError, recordNotFound, withCorrelation } from './errors.js';
import { etagOf, matches, parseFilter, presentLine, presentOrder, type BcSalesOrder, type EntityUrls } from './odata.js';
import { BcOrderLines } from './order-lines.js';
import { BcCreditMemos } from './credit-memos.js';
import { BcSalesInvoices } from './sales-invoices.js';
import { BcJournals } from './journals.js';
import { BcShipping, presentShipment } from './shipping.js';
import { BC_SCOPE, TokenIssuer, type ClientCredentials } from './token.js';
import { checkSalesOrder } from './validate.js';

type Json = Record<string, unknown>;

export const DEFAULT_BC_CREDENTIALS: ClientCredentials = {
  tenantId: '7c0a1f5e-3b8d-4e2a-9f61-2d4c8b0e5a13',
  clientId: '3f9e2a71-6c4b-4d8e-a1f0-9b7c5e2d1a48',
  clientSecret: 'sandbox-client-secret',
};

export interface BusinessCentralSandboxOptions extends SandboxServerOptions {
  readonly credentials?: ClientCredentials;
  readonly environment?: string;
  readonly companyId?: string;
  readonly companyName?: string;
  /** The company's local currency: sent as currencyCode '' (sending the code itself is refused). */
  readonly lcyCode?: string;
  /** Tax percent per line taxCode (the knob taxRates' starting value); a line with another code is refused. */
  readonly taxRates?: Readonly<Record<string, number | string>>;
  readonly knobs?: Partial<Knobs>;
}

export interface BusinessCentralSandbox extends RunningSandbox<BcSalesOrder> {
  readonly credentials: ClientCredentials;
  readonly scope: string;
  readonly environment: string;
  readonly companyId: string;
  /** {url}/{tenant}/oauth2/v2.0/token */
  readonly tokenUrl: string;
  /** {url}/{tenant}/{environment}/api/v2.0 */
  readonly apiUrl: string;
}

const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
const API_PATH = /^(?:\/v2\.0)?\/([^/]+)\/([^/]+)\/api\/v2\.0(\/.*)?$/;
const GUID = '([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})';
const ORDERS = new RegExp(`^/companies\\(${GUID}\\)/salesOrders(?:\\(${GUID}\\)(/salesOrderLines(?:\\(${GUID}\\))?|/Microsoft\\.NAV\\.shipAndInvoice)?)?$`);
const CREDIT_MEMOS = new RegExp(`^/companies\\(${GUID}\\)/salesCreditMemos(?:\\(${GUID}\\)(/Microsoft\\.NAV\\.post)?)?$`);
const INVOICES = new RegExp(`^/companies\\(${GUID}\\)/salesInvoices(?:\\(${GUID}\\)(/Microsoft\\.NAV\\.post)?)?$`);
const PAYMENT_JOURNALS = new RegExp(`^/companies\\(${GUID}\\)/customerPaymentJournals(?:\\(${GUID}\\)(/customerPayments)?)?$`);
const JOURNALS = new RegExp(`^/companies\\(${GUID}\\)/(?:journals(?:\\(${GUID}\\)(/journalLines(?:\\([^)]+\\))?|/Microsoft\\.NAV\\.post)?)?|(generalLedgerEntries))$`);
const SHIPMENTS = new RegExp(`^/companies\\(${GUID}\\)/salesShipments(?:\\(${GUID}\\)(/salesShipmentLines)?)?$`);

const today = (): string => new Date().toISOString().slice(0, 10);

interface Settings {
  readonly credentials: ClientCredentials;
  readonly environment: string;
  readonly companyId: string;
  readonly companyName: string;
  readonly lcyCode: string;
}

class BusinessCentralVariant implements SandboxVariant<BcSalesOrder> {
  readonly name = 'dynamics365-bc';
  private readonly tokens: TokenIssuer;
  private readonly orderLines: BcOrderLines;
  private readonly shipping: BcShipping;
  readonly creditMemos: BcCreditMemos;
  readonly invoices: BcSalesInvoices;
  readonly journals = new BcJournals();
  private nextNumber = 101001;
  /** Deep inserts received under lateCommitMs and not committed yet. */
  private lateCommitsPending = 0;

  constructor(private readonly context: SandboxContext<BcSalesOrder>, private readonly settings: Settings) {
    this.tokens = new TokenIssuer(settings.credentials, () => context.knobs.tokenLifetimeSeconds);
    this.orderLines = new BcOrderLines(context, (order) => this.pricing(order));
    this.shipping = new BcShipping(context);
    this.creditMemos = new BcCreditMemos(() => context.knobs, settings.lcyCode);
    this.invoices = new BcSalesInvoices(() => context.knobs, settings.lcyCode);
    context.onReset(() => {
      this.nextNumber = 101001;
      this.creditMemos.reset();
      this.invoices.reset();
      this.journals.reset();
    });
  }

  classify(method: string, url: URL): 'api' | 'auxiliary' {
    // The token endpoint is the identity platform, not Business Central: no cap, no faults.
    return TOKEN_PATH.test(url.pathname) ? 'auxiliary' : 'api';
  }

  authenticate(req: SandboxRequest): Reply | undefined {
    const m = API_PATH.exec(req.url.pathname);
    if (!m) return undefined;
    const reason = this.tokens.check(req, m[1]);
    if (reason === undefined) return undefined;
    return odataError(401, 'Authentication_InvalidCredentials', withCorrelation('The server has rejected the client credentials.'), {
      'www-authenticate': `Bearer authorization_uri="${req.url.origin}/${m[1]}/oauth2/authorize", error="invalid_token", error_description="${reason}"`,
    });
  }

  handle(req: SandboxRequest): Reply | Promise<Reply> {
    const token = TOKEN_PATH.exec(req.url.pathname);
    if (token) {
      return req.method === 'POST' ? this.tokens.issue(req, token[1]) : { status: 405, headers: { allow: 'POST' } };
    }
    const api = API_PATH.exec(req.url.pathname);
    if (!api) return odataError(404, 'BadRequest_ResourceNotFound', `Resource not found for the segment '${req.url.pathname}'.`);
    const [, tenant, environment, rest = ''] = api;
    if (environment !== this.settings.environment) {
      return odataError(404, 'BadRequest_ResourceNotFound', `Environment '${environment}' was not found in tenant '${tenant}'.`);
    }
    const urls: EntityUrls = { api: `${req.url.origin}/${tenant}/${environment}/api/v2.0`, companyId: this.settings.companyId };
    if (rest === '/companies' && req.method === 'GET') return this.companies(urls);
    const credits = CREDIT_MEMOS.exec(rest);
    if (credits) {
      if (credits[1].toLowerCase() !== this.settings.companyId.toLowerCase()) {
        return odataError(404, 'BadRequest_ResourceNotFound', `Resource not found for the segment 'companies(${credits[1]})'.`);
      }
      return this.creditMemos.route(req, credits[2], credits[3], urls);
    }
    const invoices = INVOICES.exec(rest) ?? PAYMENT_JOURNALS.exec(rest);
    if (invoices) {
      if (invoices[1].toLowerCase() !== this.settings.companyId.toLowerCase()) {
        return odataError(404, 'BadRequest_ResourceNotFound', `Resource not found for the segment 'companies(${invoices[1]})'.`);
      }
      return rest.includes('/salesInvoices')
        ? this.invoices.route(req, invoices[2], invoices[3], urls)
        : this.invoices.paymentRoute(req, invoices[2], invoices[3] !== undefined, urls);
    }
    const journals = JOURNALS.exec(rest);
    if (journals) {
      if (journals[1].toLowerCase() !== this.settings.companyId.toLowerCase()) {
        return odataError(404, 'BadRequest_ResourceNotFound', `Resource not found for the segment 'companies(${journals[1]})'.`);
      }
      return journals[4] ? this.journals.ledgerEntries(req, urls) : this.journals.route(req, journals[2], journals[3], urls);
    }
    const shipments = SHIPMENTS.exec(rest);
    const m = ORDERS.exec(rest);
    if (!m && !shipments) return odataError(404, 'BadRequest_ResourceNotFound', `Resource not found for the segment '${rest.split('/').filter(Boolean).pop() ?? ''}'.`);
    const companyId = (m ?? shipments)![1];
    if (companyId.toLowerCase() !== this.settings.companyId.toLowerCase()) {
      return odataError(404, 'BadRequest_ResourceNotFound', `Resource not found for the segment 'companies(${companyId})'.`);
    }
    if (shipments) {
      if (req.method !== 'GET') return this.notAllowed(req, 'salesShipments');
      return shipments[2] === undefined ? this.shipping.list(req, urls) : this.shipping.read(req, shipments[2], urls, shipments[3] !== undefined);
    }
    const [, , orderId, sub] = m!;
    if (orderId === undefined) {
      if (req.method === 'GET') return this.list(req, urls);
      if (req.method === 'POST') return this.create(req, urls);
    } else if (sub !== undefined) {
      return this.orderAction(req, orderId, sub, urls);
    } else {
      if (req.method === 'GET') return this.read(req, orderId, urls);
      if (req.method === 'PATCH') return this.patch(req, orderId, urls);
      if (req.method === 'DELETE') return this.remove(req, orderId);
    }
    return this.notAllowed(req, 'salesOrders');
  }

  fault(kind: 'server-error' | 'throttled' | 'concurrency'): Reply {
    if (kind === 'server-error') return odataError(500, 'Internal_ServerError', withCorrelation('An unexpected error occurred on the server.'));
    const { retryAfterSeconds, concurrency } = this.context.knobs;
    const message = kind === 'concurrency'
      ? `Too many requests reached. Actual (${this.context.stats.inFlight + 1}). Maximum (${concurrency}).`
      : 'Too many requests. The rate limit was exceeded; retry after the Retry-After interval.';
    return odataError(429, 'Application_TooManyRequests', message, { 'retry-after': String(retryAfterSeconds) });
  }

  error(status: number, message: string): Reply {
    return odataError(status, status === 413 ? 'BadRequest' : 'Internal_ServerError', message);
  }

  present(doc: StoredDocument<BcSalesOrder>): unknown {
    const shown = presentOrder(doc, { api: '', companyId: this.settings.companyId }, true, false);
    return doc.body.deletedAt === undefined ? shown : { ...shown, '@sandbox.deletedAt': doc.body.deletedAt };
  }

  stats(): Record<string, unknown> {
    const { store, fulfillments, lineChanges } = this.context;
    return { documents: store.size, fulfillments: fulfillments.size, lineChanges: lineChanges.length, lateCommitsPending: this.lateCommitsPending };
  }

  /** GET /_sandbox/credit-memos: every credit memo with its lines, status and BC's totals; /_sandbox/sales-invoices the invoices and their payments. */
  admin(req: SandboxRequest): Reply | undefined {
    if (req.method === 'GET' && req.url.pathname.replace(/\/+$/, '') === '/_sandbox/journals') return { status: 200, body: this.journals.list() };
    if (req.method === 'GET' && req.url.pathname.replace(/\/+$/, '') === '/_sandbox/sales-invoices') return { status: 200, body: this.invoices.listAll() };
    if (req.method !== 'GET' || req.url.pathname.replace(/\/+$/, '') !== '/_sandbox/credit-memos') return undefined;
    const memos = [...this.creditMemos.memos.values()].map((m) => ({ ...m.memo, posts: m.posts, salesCreditMemoLines: m.lines }));
    return { status: 200, body: { count: memos.length, creditMemos: memos } };
  }

  presentFulfillment(doc: StoredDocument<Json>): unknown {
    return { ...presentShipment(doc.body, true), postedInvoiceNumber: doc.body.postedInvoiceNumber };
  }

  /** What hangs off one order: its lines, one line, or the posting action. */
  private orderAction(req: SandboxRequest, orderId: string, sub: string, urls: EntityUrls): Reply {
    const doc = this.order(orderId);
    if (!doc) return entityNotFound('Sales Order', orderId);
    if (sub === '/Microsoft.NAV.shipAndInvoice') return req.method === 'POST' ? this.shipping.shipAndInvoice(doc) : this.notAllowed(req, 'shipAndInvoice');
    const lineId = /\(([^)]+)\)$/.exec(sub)?.[1];
    if (lineId === undefined) {
      if (req.method === 'POST') return this.orderLines.add(req, doc);
      return req.method === 'GET' ? this.lines(orderId, urls) : this.notAllowed(req, 'salesOrderLines');
    }
    return this.orderLines.route(req, doc, lineId) ?? this.notAllowed(req, 'salesOrderLines');
  }

  /** An order the API still shows: posting deletes one shipped and invoiced in full. */
  private order(id: string): StoredDocument<BcSalesOrder> | undefined {
    const doc = this.context.store.get(id.toLowerCase());
    return doc && doc.body.deletedAt === undefined ? doc : undefined;
  }

  private notAllowed(req: SandboxRequest, entitySet: string): Reply {
    return odataError(405, 'BadRequest_MethodNotAllowed', `'${req.method}' requests for '${entitySet}' are not allowed within Microsoft Dynamics 365 Business Central OData web services.`);
  }

  private companies(urls: EntityUrls): Reply {
    const { companyId, companyName } = this.settings;
    return this.ok(200, {
      '@odata.context': `${urls.api}/$metadata#companies`,
      value: [{ id: companyId, systemVersion: '24.0', timestamp: 0, name: companyName, displayName: companyName, businessProfileId: '', systemCreatedAt: '2024-01-01T00:00:00Z', systemCreatedBy: '00000000-0000-0000-0000-000000000000', systemModifiedAt: '2024-01-01T00:00:00Z', systemModifiedBy: '00000000-0000-0000-0000-000000000000' }],
    });
  }

  private list(req: SandboxRequest, urls: EntityUrls): Reply {
    const q = req.url.searchParams;
    const expand = this.expand(q.get('$expand'));
    if (expand === 'invalid') return badRequest(`Could not find a property named '${q.get('$expand')}' on type 'Microsoft.NAV.salesOrder'.`);
    const filterText = q.get('$filter');
    const filter = filterText === null ? [] : parseFilter(filterText);
    if (!filter) return odataError(400, 'BadRequest_NotFound', 'Bad Request - Error in query syntax.');
    const top = q.get('$top');
    let docs = this.context.store.all().filter((d) => d.body.deletedAt === undefined && matches(d.body.order, filter));
    const skip = q.get('$skip');
    if (skip !== null && /^\d+$/.test(skip)) docs = docs.slice(Number(skip));
    if (top !== null) docs = docs.slice(0, /^\d+$/.test(top) ? Number(top) : undefined);
    return this.ok(200, {
      '@odata.context': `${urls.api}/$metadata#companies(${urls.companyId})/salesOrders`,
      value: docs.map((d) => presentOrder(d, urls, expand, false)),
    });
  }

  private read(req: SandboxRequest, id: string, urls: EntityUrls): Reply {
    const doc = this.order(id);
    if (!doc) return entityNotFound('Sales Order', id);
    const expand = this.expand(req.url.searchParams.get('$expand'));
    if (expand === 'invalid') return badRequest(`Could not find a property named '${req.url.searchParams.get('$expand')}' on type 'Microsoft.NAV.salesOrder'.`);
    return this.ok(200, presentOrder(doc, urls, expand, true), { etag: etagOf(doc) });
  }

  private lines(id: string, urls: EntityUrls): Reply {
    const doc = this.order(id);
    if (!doc) return entityNotFound('Sales Order', id);
    return this.ok(200, {
      '@odata.context': `${urls.api}/$metadata#companies(${urls.companyId})/salesOrders(${doc.id})/salesOrderLines`,
      value: doc.body.lines.map((l) => presentLine(l)),
    });
  }

  private pricing(order: Json): Pricing {
    return pricingOf(order, this.context.knobs, this.settings.lcyCode);
  }

  private create(req: SandboxRequest, urls: EntityUrls): Reply | Promise<Reply> {
    const body = this.json(req);
    if (!body) return badRequest('Invalid Request Body.');
    const checked = checkSalesOrder(body, 'create', this.context.knobs, this.settings);
    if (!checked.ok) return checked.reply;
    const unknownCode = unknownTaxCode(this.context.knobs.taxRates, checked.value.lines ?? []);
    if (unknownCode !== undefined) return recordNotFound('Tax Group', 'Code', unknownCode);
    const late = this.context.knobs.lateCommitMs;
    if (late > 0) {
      this.lateCommitsPending += 1;
      return sleep(late, undefined, { ref: false }).then(() => {
        this.lateCommitsPending -= 1;
        return this.insert(req, urls, checked.value);
      });
    }
    return this.insert(req, urls, checked.value);
  }

  private insert(req: SandboxRequest, urls: EntityUrls, checked: { order: Json; lines: Json[] | undefined }): Reply {
    const id = randomUUID();
    const now = new Date().toISOString();
    const order: Json = {
      orderDate: today(), postingDate: today(), status: 'Draft', currencyCode: '',
      ...checked.order, id, number: `S-ORD${this.nextNumber++}`, lastModifiedDateTime: now,
    };
    const pricing = this.pricing(order);
    order.pricesIncludeTax = pricing.pricesIncludeTax;
    const lines = (checked.lines ?? []).map((l, i) => priceLine(pricing, {
      lineType: 'Item', sequence: (i + 1) * 10000, ...l, id: randomUUID(), documentId: id,
      // Default Qty. to Ship = Remainder: a new line is to be shipped (and invoiced) in full.
      shipQuantity: l.shipQuantity ?? l.quantity ?? 0, invoiceQuantity: l.shipQuantity ?? l.quantity ?? 0, shippedQuantity: 0, invoicedQuantity: 0,
    }));
    const overShipped = lines.find((l) => (l.shipQuantity as number) > (l.quantity as number));
    if (overShipped) return dialog(`You cannot ship more than ${String(overShipped.quantity)} units.`);
    const doc = this.context.store.create(id, typeof order.externalDocumentNumber === 'string' ? order.externalDocumentNumber : undefined, { order: totalOrder(pricing, order, lines), lines });
    const expand = this.expand(req.url.searchParams.get('$expand')) === true;
    return {
      ...this.ok(201, presentOrder(doc, urls, expand, true), { etag: etagOf(doc), location: `${urls.api}/companies(${urls.companyId})/salesOrders(${id})` }),
      committed: true,
    };
  }

  private patch(req: SandboxRequest, id: string, urls: EntityUrls): Reply {
    const doc = this.order(id);
    if (!doc) return entityNotFound('Sales Order', id);
    const ifMatch = header(req, 'if-match');
    if (!ifMatch) {
      return odataError(400, 'BadRequest_InvalidToken', 'Could not validate the client concurrency token required by the service. Please provide a valid token in the client request.');
    }
    if (ifMatch !== '*' && ifMatch !== etagOf(doc)) {
      return odataError(412, 'Request_EntityChanged', 'Another user has already changed the record.');
    }
    const body = this.json(req);
    if (!body) return badRequest('Invalid Request Body.');
    const checked = checkSalesOrder(body, 'update', this.context.knobs, this.settings);
    if (!checked.ok) return checked.reply;
    const order: Json = { ...doc.body.order, ...checked.value.order, lastModifiedDateTime: new Date().toISOString() };
    const key = typeof order.externalDocumentNumber === 'string' ? order.externalDocumentNumber : undefined;
    this.context.store.update(doc, { order: totalOrder(this.pricing(order), order, doc.body.lines), lines: doc.body.lines }, key);
    return { ...this.ok(200, presentOrder(doc, urls, false, true), { etag: etagOf(doc) }), committed: true };
  }

  /** DELETE of an order: If-Match as for PATCH; an order with shipped lines has posted documents and stays. */
  private remove(req: SandboxRequest, id: string): Reply {
    const doc = this.order(id);
    if (!doc) return entityNotFound('Sales Order', id);
    const ifMatch = header(req, 'if-match');
    if (!ifMatch) {
      return odataError(400, 'BadRequest_InvalidToken', 'Could not validate the client concurrency token required by the service. Please provide a valid token in the client request.');
    }
    if (ifMatch !== '*' && ifMatch !== etagOf(doc)) return odataError(412, 'Request_EntityChanged', 'Another user has already changed the record.');
    if (doc.body.lines.some((l) => typeof l.shippedQuantity === 'number' && l.shippedQuantity > 0)) {
      return dialog(`You cannot delete Sales Order ${String(doc.body.order.number)} because it has been partly shipped.`);
    }
    this.context.store.remove(doc);
    return { status: 204, committed: true };
  }

  private expand(value: string | null): boolean | 'invalid' {
    if (value === null) return false;
    return value.trim() === 'salesOrderLines' ? true : 'invalid';
  }

  private json(req: SandboxRequest): Json | undefined {
    return jsonObject(req.body);
  }

  private ok(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
    return { status, headers: { ...ODATA_HEADERS, ...headers }, body };
  }
}

export async function startBusinessCentralSandbox(options: BusinessCentralSandboxOptions = {}): Promise<BusinessCentralSandbox> {
  const settings: Settings = {
    credentials: options.credentials ?? DEFAULT_BC_CREDENTIALS,
    environment: options.environment ?? 'sandbox',
    companyId: (options.companyId ?? 'c5f4e2a0-8d1b-4f3a-b6e9-0a1b2c3d4e5f').toLowerCase(),
    companyName: options.companyName ?? 'CRONUS USA, Inc.',
    lcyCode: options.lcyCode ?? 'USD',
  };
  const context = new SandboxContext<BcSalesOrder>({ ...(options.taxRates && { taxRates: options.taxRates as Record<string, string> }), ...options.knobs });
  const running = await startSandboxServer(new BusinessCentralVariant(context, settings), context, options);
  const tenant = settings.credentials.tenantId;
  return {
    ...running,
    credentials: settings.credentials,
    scope: BC_SCOPE,
    environment: settings.environment,
    companyId: settings.companyId,
    tokenUrl: `${running.url}/${tenant}/oauth2/v2.0/token`,
    apiUrl: `${running.url}/${tenant}/${settings.environment}/api/v2.0`,
  };
}
