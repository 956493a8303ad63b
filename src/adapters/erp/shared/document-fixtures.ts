/** Sales-order documents for the mapper and total specs: the orders issue 11 names. */
import type { SalesOrderDocument, SalesOrderTax } from '../erp-adapter.port.js';

const m = (amount: bigint, currency: string) => ({ amount, currency });
const tax = (title: string, amount: bigint, currency: string, taxCode: string | null = null, taxAccount: string | null = null): SalesOrderTax => ({
  title, jurisdiction: null, rate: null, amount: m(amount, currency), taxCode, taxAccount,
});

/** 2 × 89.00 less 13.19 and 1 × 24.50 less 1.81 in New York (state and city tax), shipping 9.95 free with a code: 204.14 paid. */
export function freeShippingOrder(): SalesOrderDocument {
  const usd = (a: bigint) => m(a, 'USD');
  return {
    externalId: 'SHOPIFY-7001', channelOrderNumber: '#7001', placedAt: '2026-11-27T10:00:00.000Z', currency: 'USD',
    customerId: '107', subsidiaryId: null, locationId: null,
    lines: [
      { lineRef: 'L1', itemId: '501', description: 'Merino crew', quantity: 2, unitPrice: usd(8900n), discount: usd(1319n), tax: usd(1462n), taxCode: '-7',
        taxes: [tax('NY State Tax', 659n, 'USD', '-7'), tax('New York City Tax', 803n, 'USD', '-8', '22120')], locationId: null },
      { lineRef: 'L2', itemId: '502', description: 'Trail socks', quantity: 1, unitPrice: usd(2450n), discount: usd(181n), tax: usd(202n), taxCode: '-7',
        taxes: [tax('NY State Tax', 91n, 'USD', '-7'), tax('New York City Tax', 111n, 'USD', '-8', '22120')], locationId: null },
    ],
    shipping: usd(995n), shippingDiscount: usd(995n), shippingTaxCode: null, shippingTaxes: [],
    taxesIncluded: false, charges: [],
    billTo: null,
    shipTo: { name: 'Maya Okafor', company: null, line1: '212 Wythe Ave', line2: 'Apt 4B', city: 'Brooklyn', region: 'NY', postalCode: '11249', countryCode: 'US', phone: null },
    // 164.81 + 22.69 + 0 shipping + 16.64 tax
    grandTotal: usd(20414n), memo: null,
  };
}

/** A Berlin shop, prices include 19 % VAT: 3 × 19.99 less 2.00, shipping 4.90; 62.87 paid, of which 10.04 VAT. */
export function vatInclusiveEurOrder(): SalesOrderDocument {
  const eur = (a: bigint) => m(a, 'EUR');
  return {
    externalId: 'SHOPIFY-7002', channelOrderNumber: '#7002', placedAt: '2026-11-27T10:00:00.000Z', currency: 'EUR',
    customerId: '107', subsidiaryId: null, locationId: null,
    lines: [
      // 59.97 − 2.00 = 57.97 gross; VAT 57.97 × 19/119 = 9.26
      { lineRef: 'L1', itemId: '501', description: 'Merino crew', quantity: 3, unitPrice: eur(1999n), discount: eur(200n), tax: eur(926n), taxCode: 'DE19',
        taxes: [tax('DE MwSt 19%', 926n, 'EUR', 'DE19')], locationId: null },
    ],
    // 4.90 gross; VAT 0.78
    shipping: eur(490n), shippingDiscount: eur(0n), shippingTaxCode: 'DE19', shippingTaxes: [tax('DE MwSt 19%', 78n, 'EUR', 'DE19')],
    taxesIncluded: true, charges: [],
    billTo: { name: 'Jonas Weber', company: null, line1: 'Torstraße 1', line2: null, city: 'Berlin', region: null, postalCode: '10119', countryCode: 'DE', phone: null },
    shipTo: null,
    grandTotal: eur(6287n), memo: null,
  };
}
