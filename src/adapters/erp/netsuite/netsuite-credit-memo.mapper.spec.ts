import type { Money } from '../../../canonical/money.js';
import type { CreditItemLine, CreditLine, CreditMemoDocument } from '../credit-documents.js';
import { DeliveryError } from '../erp-adapter.port.js';
import { checkedNetSuiteCreditMemo, toNetSuiteCustomerRefunds, toNetSuiteItemReceipt, toNetSuiteReturnAuthorization } from './netsuite-credit-memo.mapper.js';
import type { NsOrderLine } from './netsuite-fulfillment.mapper.js';

const usd = (amount: bigint): Money => ({ amount, currency: 'USD' });

const jacket = (quantity: number, amount: bigint, tax: bigint, disposition: 'RESTOCK' | null, locationId: string | null): CreditItemLine => ({
  kind: 'ITEM', lineRef: '501', lineIndex: 0, itemId: '1996', description: 'Merino crew', quantity, amount: usd(amount),
  unitPrice: usd(8900n), tax: usd(tax), taxCode: '201', disposition, locationId, writeOffAccountId: null,
});

const shipping: CreditLine = { kind: 'ACCOUNT', component: 'SHIPPING', accountId: '40250', description: 'shipping', amount: usd(995n), tax: usd(0n), taxCode: null };

function credit(lines: CreditLine[], total: bigint): CreditMemoDocument {
  return {
    externalId: 'SHOPIFY-R88', salesOrderExternalId: 'SHOPIFY-601', salesOrderInternalId: '1001', invoiceInternalId: null, customerId: '107',
    currency: 'USD', creditDate: '2026-11-22', reasonCode: null, lines, tenders: [], total: usd(total), memo: 'SHOPIFY refund 88',
  };
}

/** The order as NetSuite shows it: the jacket on line 1, the socks on line 2. */
const ORDER: NsOrderLine[] = [
  { key: '1', line: 1, item: '1996', position: 0, quantity: 2, fulfilled: 2, closed: false, rate: 89, amount: 164.81 },
  { key: '2', line: 2, item: '1997', position: 1, quantity: 1, fulfilled: 1, closed: false, rate: 24.5, amount: 24.5 },
];

function refusal(run: () => unknown): DeliveryError {
  try {
    run();
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('NetSuite credit chain mapper', () => {
  const restocked = credit([jacket(1, 8240n, 731n, 'RESTOCK', 'RETURNS'), shipping], 8240n + 731n + 995n);

  it('authorizes the returned units against their order line and shipping as its Other Charge item', () => {
    expect(toNetSuiteReturnAuthorization(restocked, ORDER)).toEqual({
      externalId: 'SHOPIFY-R88-RA', tranDate: '2026-11-22', orderStatus: { id: 'B' }, memo: 'SHOPIFY refund 88',
      item: { items: [
        { orderLine: 1, item: { id: '1996' }, quantity: 1, rate: 89, amount: 82.4, description: 'Merino crew' },
        { item: { id: '40250' }, quantity: 1, rate: 9.95, amount: 9.95, description: 'shipping' },
      ] },
    });
  });

  it('receives the goods that came back at their location, and leaves the other lines', () => {
    expect(toNetSuiteItemReceipt(restocked, [1, 2])).toEqual({
      externalId: 'SHOPIFY-R88-IR', tranDate: '2026-11-22', memo: 'SHOPIFY refund 88',
      item: { items: [{ orderLine: 1, itemReceive: true, quantity: 1, location: { id: 'RETURNS' } }, { orderLine: 2, itemReceive: false }] },
    });
    expect(toNetSuiteItemReceipt(credit([jacket(1, 8240n, 731n, null, null)], 8971n), [1])).toBeNull();
  });

  it('credits the refunded net per RA line with the channel tax as an override that adds up to the refund', () => {
    const body = checkedNetSuiteCreditMemo(restocked, [1, 2]);
    expect(body.item.items).toEqual([
      { orderLine: 1, item: { id: '1996' }, quantity: 1, rate: 89, amount: 82.4, description: 'Merino crew', taxDetailsReference: 'L1' },
      { orderLine: 2, item: { id: '40250' }, quantity: 1, rate: 9.95, amount: 9.95, description: 'shipping', taxDetailsReference: 'L2' },
    ]);
    expect(body).toMatchObject({ externalId: 'SHOPIFY-R88-CM', pricesIncludeTax: false, taxDetailsOverride: true });
    expect(body.taxDetails?.items).toEqual([
      { taxDetailsReference: 'L1', lineType: 'Item', lineName: 'Tax refunded: Merino crew', taxCode: { id: '201' }, taxBasis: 82.4, taxAmount: 7.31 },
    ]);
  });

  it('sends tax codes and no override when NetSuite computes the tax', () => {
    const body = checkedNetSuiteCreditMemo(restocked, [1, 2], { taxMode: 'ERP_CALCULATES' });
    expect(body.taxDetails).toBeUndefined();
    expect(body.item.items[0]).toMatchObject({ taxCode: { id: '201' } });
    expect(body.item.items[0]).not.toHaveProperty('taxDetailsReference');
  });

  it('refuses a credit memo that does not add up to the refund, before anything is sent', () => {
    const error = refusal(() => checkedNetSuiteCreditMemo(credit([jacket(1, 8240n, 731n, null, null)], 8972n), [1]));
    expect(error.kind).toBe('PERMANENT');
    expect(error.details).toMatchObject({ code: 'DOCUMENT_TOTAL_MISMATCH', field: 'total' });
    expect(error.message).toContain('89.71 USD but the refund is 89.72');
  });

  it('refuses a returned line the sales order does not have', () => {
    const stray = credit([{ ...jacket(1, 8240n, 731n, null, null), itemId: '999' }], 8971n);
    expect(refusal(() => toNetSuiteReturnAuthorization(stray, ORDER)).details).toMatchObject({ code: 'LINE_MISMATCH' });
  });

  it('pays the original payment back out of its clearing account, leaves gift cards on the memo, and waits for an unmapped account', () => {
    const paid = { ...restocked, tenders: [
      { tender: 'ORIGINAL_PAYMENT' as const, gateway: 'shopify payments', amount: usd(7166n), accountId: '1010' },
      { tender: 'GIFT_CARD' as const, gateway: 'gift_card', amount: usd(2000n), accountId: '22300' },
    ] };
    expect(toNetSuiteCustomerRefunds(paid, '1205')).toEqual([{
      externalId: 'SHOPIFY-R88-CR-shopify_payments', customer: { id: '107' }, tranDate: '2026-11-22', account: { id: '1010' }, memo: 'SHOPIFY refund 88',
      apply: { items: [{ doc: { id: '1205' }, apply: true, amount: 71.66 }] },
    }]);
    const unmapped = { ...paid, tenders: [{ ...paid.tenders[0], accountId: null }] };
    const error = refusal(() => toNetSuiteCustomerRefunds(unmapped, '1205'));
    expect([error.kind, error.details.code, error.details.field]).toEqual(['MISSING_DEPENDENCY', 'UNMAPPED', 'tenders[0].accountId']);
  });
});
