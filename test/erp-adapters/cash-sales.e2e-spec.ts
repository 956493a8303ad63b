import { BusinessCentralAdapter } from '../../src/adapters/erp/dynamics365-bc/index.js';
import type { CashSaleDocument, CashSaleTender, ErpConnection, SalesOrderLine } from '../../src/adapters/erp/erp-adapter.port.js';
import { NetSuiteAdapter } from '../../src/adapters/erp/netsuite/index.js';
import { startBusinessCentralSandbox, type BusinessCentralSandbox } from '../../sandboxes/erp/dynamics365-bc/sandbox.js';
import { startNetSuiteSandbox, type NetSuiteSandbox } from '../../sandboxes/erp/netsuite/sandbox.js';
import { rejection } from '../support/erp-errors.js';
import { erpSandboxAdmin, resetSandbox } from '../support/sandbox-admin.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const usd = (amount: bigint) => ({ amount, currency: 'USD' });
const ctx = { idempotencyKey: 'cash-sale-e2e' };
const CASH: CashSaleTender = { kind: 'CASH', gateway: 'cash', amount: usd(5850n), paymentMethodId: '1', accountId: '1010' };

const line = (over: Partial<SalesOrderLine> = {}): SalesOrderLine => ({
  lineRef: '1', itemId: '506', description: 'Enamel Camp Mug', quantity: 2, unitPrice: usd(1800n), discount: usd(200n), tax: usd(0n), taxCode: null, locationId: '12', ...over,
});

/** 2 × 18.00 less 2.00, 1 × 24.50: 58.50, paid at the till. */
const cashSale = (key: string, tenders: CashSaleTender[] = [CASH], over: Partial<CashSaleDocument['sale']> = {}): CashSaleDocument => ({
  sale: {
    externalId: key, channelOrderNumber: key, placedAt: '2026-12-05T15:15:00.000Z', accountingDate: '2026-12-05', currency: 'USD', customerId: '900',
    subsidiaryId: '1', locationId: '12', lines: [line(), line({ lineRef: '2', itemId: '502', description: 'Trail Socks', quantity: 1, unitPrice: usd(2450n), discount: usd(0n) })],
    shipping: usd(0n), shippingTaxCode: null, grandTotal: usd(5850n), memo: `POS ${key}`, ...over,
  },
  tenders,
});

describe('cash sales against the NetSuite and Business Central sandboxes: once per key, checked before sending, completed after an ambiguous outcome', () => {
  let ns: NetSuiteSandbox;
  let bc: BusinessCentralSandbox;
  const nsAdapter = (): NetSuiteAdapter => new NetSuiteAdapter({
    targetId: 'ns-e2e', variant: 'netsuite', baseUrl: ns.url, credentials: { ...ns.credentials }, timeoutMs: 5000,
  }, { currencyIds: { USD: '1' } });
  const bcAdapter = (): BusinessCentralAdapter => new BusinessCentralAdapter({
    targetId: 'bc-e2e', variant: 'dynamics365-bc', baseUrl: bc.url, timeoutMs: 5000,
    credentials: { ...bc.credentials, environment: bc.environment, companyId: bc.companyId },
    settings: { localCurrency: 'USD', taxMode: 'ERP_CALCULATES' },
  } as ErpConnection);
  const nsSales = async (): Promise<Json[]> => (await erpSandboxAdmin(ns, 'cash-sales')).cashSales as Json[];
  const bcInvoices = async (): Promise<Json[]> => (await erpSandboxAdmin(bc, 'sales-invoices')).salesInvoices as Json[];

  beforeAll(async () => {
    ns = await startNetSuiteSandbox({ port: 0 });
    bc = await startBusinessCentralSandbox({ port: 0 });
  });

  afterAll(async () => {
    await ns?.close();
    await bc?.close();
  });

  beforeEach(async () => {
    await resetSandbox(ns, { commitTimeoutRate: 0, commitTimeoutPath: '' });
    await resetSandbox(bc, { commitTimeoutRate: 0, commitTimeoutPath: '' });
  });

  it('NetSuite: one cash sale per key, sent twice; its total read back; the look-up finds it', async () => {
    const adapter = nsAdapter();
    const first = await adapter.upsertCashSale(cashSale('POS-T-1'), ctx);
    const second = await adapter.upsertCashSale(cashSale('POS-T-1'), ctx);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ documentNumber: `CS${first.internalId}`, erpTotal: usd(5850n), expectedTotal: usd(5850n) });
    expect(await adapter.findCashSale(cashSale('POS-T-1'), ctx)).toEqual(first);
    const sales = await nsSales();
    expect(sales.map((s) => [s.externalId, s.total, s.undepFunds, s.paymentMethod, s.account, s.location])).toEqual([
      ['POS-T-1', 58.5, false, { id: '1' }, { id: '1010' }, { id: '12' }],
    ]);
  });

  it('NetSuite: a write whose answer is lost is found by its key, and sending it again makes no second one', async () => {
    await erpSandboxAdmin(ns, 'knobs', { commitTimeoutRate: 1, commitTimeoutMode: 'destroy', commitTimeoutPath: 'cashSale' });
    const adapter = nsAdapter();
    expect((await rejection(adapter.upsertCashSale(cashSale('POS-T-2'), ctx))).kind).toBe('AMBIGUOUS');
    await erpSandboxAdmin(ns, 'knobs', { commitTimeoutRate: 0 });
    const found = await adapter.findCashSale(cashSale('POS-T-2'), ctx);
    expect(found).toMatchObject({ erpTotal: usd(5850n) });
    expect((await adapter.upsertCashSale(cashSale('POS-T-2'), ctx)).internalId).toBe(found!.internalId);
    expect(await nsSales()).toHaveLength(1);
  });

  it('refuses, before sending, tenders that do not pay the sale and a line with no location', async () => {
    const short = await rejection(nsAdapter().upsertCashSale(cashSale('POS-T-3', [{ ...CASH, amount: usd(5849n) }]), ctx));
    expect(short).toMatchObject({ kind: 'PERMANENT', details: { code: 'DOCUMENT_TOTAL_MISMATCH' } });
    expect((await rejection(bcAdapter().upsertCashSale(cashSale('POS-T-3', [{ ...CASH, amount: usd(5849n) }]), ctx))).details.code).toBe('DOCUMENT_TOTAL_MISMATCH');
    const nowhere = cashSale('POS-T-3', [CASH], { lines: [line({ locationId: null, quantity: 1, discount: usd(0n) }), line({ lineRef: '2', quantity: 1, unitPrice: usd(4050n), discount: usd(0n) })] });
    expect(await rejection(nsAdapter().upsertCashSale({ ...nowhere, sale: { ...nowhere.sale, locationId: null } }, ctx))).toMatchObject({ kind: 'MISSING_DEPENDENCY', details: { code: 'UNMAPPED' } });
    expect(await rejection(bcAdapter().upsertCashSale(nowhere, ctx))).toMatchObject({ kind: 'MISSING_DEPENDENCY', details: { code: 'UNMAPPED' } });
    expect(await nsSales()).toEqual([]);
    expect(await bcInvoices()).toEqual([]);
  });

  it('Business Central: a posted invoice with each tender applied, once, sent twice', async () => {
    const card: CashSaleTender = { kind: 'CARD', gateway: 'adyen', amount: usd(4000n), paymentMethodId: '5', accountId: '1020' };
    const split = [card, { ...CASH, amount: usd(1850n) }];
    const adapter = bcAdapter();
    expect(await adapter.findCashSale(cashSale('POS-T-4', split), ctx)).toBeNull();
    const first = await adapter.upsertCashSale(cashSale('POS-T-4', split), ctx);
    expect(first).toMatchObject({ documentNumber: 'S-INV1001', erpTotal: usd(5850n), expectedTotal: usd(5850n) });
    expect(await adapter.upsertCashSale(cashSale('POS-T-4', split), ctx)).toEqual(first);
    expect(await adapter.findCashSale(cashSale('POS-T-4', split), ctx)).toEqual(first);
    const [invoice, ...others] = await bcInvoices();
    expect(others).toEqual([]);
    expect([invoice.status, invoice.posts, invoice.totalAmountIncludingTax]).toEqual(['Open', 1, 58.5]);
    expect(invoice.payments.map((p: Json) => [p.journalCode, p.amount, p.documentNumber, p.appliesToInvoiceId])).toEqual([
      ['CS1020', -40, 'S-INV1001', first.internalId], ['CS1010', -18.5, 'S-INV1001', first.internalId],
    ]);
  });

  it('Business Central: a payment whose answer is lost is not entered twice; the look-up waits until every tender is in', async () => {
    const card: CashSaleTender = { kind: 'CARD', gateway: 'adyen', amount: usd(4000n), paymentMethodId: '5', accountId: '1020' };
    const split = [card, { ...CASH, amount: usd(1850n) }];
    await erpSandboxAdmin(bc, 'knobs', { commitTimeoutRate: 1, commitTimeoutMode: 'destroy', commitTimeoutPath: 'customerPayments' });
    const adapter = bcAdapter();
    expect((await rejection(adapter.upsertCashSale(cashSale('POS-T-5', split), ctx))).kind).toBe('AMBIGUOUS');
    await erpSandboxAdmin(bc, 'knobs', { commitTimeoutRate: 0 });
    // The invoice is posted and the card's payment is in; the cash one is not: not a cash sale yet.
    expect(await adapter.findCashSale(cashSale('POS-T-5', split), ctx)).toBeNull();
    await adapter.upsertCashSale(cashSale('POS-T-5', split), ctx);
    const [invoice] = await bcInvoices();
    expect(invoice.posts).toBe(1);
    expect(invoice.payments.map((p: Json) => p.amount)).toEqual([-40, -18.5]);
  });
});
