/**
 * The invariant, generated: for random orders (lines, quantities, discounts, several tax
 * jurisdictions per line and on shipping, shipping discounts, tax-inclusive or not, currencies of
 * exponent 0, 2 and 3, order charges including negative rounding), every variant's vendor body in
 * each tax mode adds up to the channel's grand total, read back from the body itself.
 */
import fc from 'fast-check';
import type { SalesOrderCharge, SalesOrderDocument, SalesOrderLine, SalesOrderTax } from '../erp-adapter.port.js';
import { bcDocumentTotal, checkedBcSalesOrder } from '../dynamics365-bc/bc-document-total.js';
import { serializeBcJson, toBcSalesOrder } from '../dynamics365-bc/bc.mapper.js';
import { checkedNetSuiteSalesOrder, netSuiteDocumentTotal } from '../netsuite/netsuite-document-total.js';
import { toNetSuiteSalesOrder } from '../netsuite/netsuite.mapper.js';
import { TAX_MODES, type TaxMode } from './document-money.js';

const RUNS = 1000;
const CURRENCIES = ['JPY', 'USD', 'EUR', 'KWD'] as const;
const JURISDICTIONS = ['NY State Tax', 'New York City Tax', 'MwSt 19%', 'VAT 20%', 'GST'];

/** Up to three distinct jurisdictions sharing `room` minor units of tax at most. */
const taxes = (currency: string, room: bigint): fc.Arbitrary<SalesOrderTax[]> =>
  fc.uniqueArray(fc.constantFrom(...JURISDICTIONS), { maxLength: 3 }).chain((titles) =>
    fc.tuple(...titles.map(() => fc.bigInt({ min: 0n, max: room / BigInt(Math.max(titles.length, 1)) }))).map((amounts) =>
      titles.map((title, i) => ({
        title, jurisdiction: null, rate: '0.05', amount: { amount: amounts[i], currency },
        taxCode: i % 2 === 0 ? `-${i + 7}` : null, taxAccount: i === 1 ? '22110' : null,
      }))));

const line = (currency: string, index: number): fc.Arbitrary<SalesOrderLine> =>
  fc.record({ quantity: fc.integer({ min: 1, max: 25 }), unit: fc.bigInt({ min: 0n, max: 2_000_000n }) }).chain(({ quantity, unit }) => {
    const gross = unit * BigInt(quantity);
    return fc.bigInt({ min: 0n, max: gross }).chain((discount) =>
      taxes(currency, (gross - discount) / 4n).map((lineTaxes) => ({
        lineRef: `L${index}`, itemId: `${500 + index}`, description: `Line ${index}`, quantity,
        unitPrice: { amount: unit, currency }, discount: { amount: discount, currency },
        tax: { amount: lineTaxes.reduce((n, t) => n + t.amount.amount, 0n), currency },
        taxCode: lineTaxes.find((t) => t.taxCode)?.taxCode ?? null, taxes: lineTaxes, locationId: null,
      })));
  });

const charge = (currency: string): fc.Arbitrary<SalesOrderCharge> =>
  fc.constantFrom('TIP', 'DUTY', 'ROUNDING').chain((kind) =>
    fc.bigInt({ min: kind === 'ROUNDING' ? -50n : 0n, max: kind === 'ROUNDING' ? 50n : 100_000n }).map((amount) => ({
      kind, title: kind.toLowerCase(), itemId: kind === 'DUTY' ? '8120' : '601', lineType: kind === 'DUTY' ? 'Account' : null, amount: { amount, currency },
    })));

/** An order and its grand total as the channel computes it (subtotal − discounts + shipping + charges + tax unless included). */
const order: fc.Arbitrary<SalesOrderDocument> = fc.constantFrom(...CURRENCIES).chain((currency) =>
  fc.record({
    lines: fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => line(currency, i + 1)))),
    shipping: fc.bigInt({ min: 0n, max: 50_000n }).chain((price) =>
      fc.record({ price: fc.constant(price), discount: fc.oneof(fc.constant(price), fc.constant(0n), fc.bigInt({ min: 0n, max: price })) })
        .chain((s) => taxes(currency, (s.price - s.discount) / 4n).map((t) => ({ ...s, taxes: t })))),
    charges: fc.array(charge(currency), { maxLength: 3 }),
    taxesIncluded: fc.boolean(),
  }).map(({ lines, shipping, charges, taxesIncluded }) => {
    const tax = [...lines.flatMap((l) => l.taxes ?? []), ...shipping.taxes].reduce((n, t) => n + t.amount.amount, 0n);
    const goods = lines.reduce((n, l) => n + l.unitPrice.amount * BigInt(l.quantity) - l.discount.amount, 0n);
    const extra = charges.reduce((n, c) => n + c.amount.amount, 0n);
    const grand = goods + shipping.price - shipping.discount + extra + (taxesIncluded ? 0n : tax);
    return {
      externalId: 'SHOPIFY-1', channelOrderNumber: '#1', placedAt: '2026-11-27T10:00:00.000Z', currency,
      customerId: '107', subsidiaryId: null, locationId: null, lines,
      shipping: { amount: shipping.price, currency }, shippingDiscount: { amount: shipping.discount, currency },
      shippingTaxCode: shipping.taxes.find((t) => t.taxCode)?.taxCode ?? null, shippingTaxes: shipping.taxes,
      taxesIncluded, charges,
      billTo: null, shipTo: { name: 'Maya Okafor', company: null, line1: '212 Wythe Ave', line2: null, city: 'Brooklyn', region: 'NY', postalCode: '11249', countryCode: 'US', phone: null },
      grandTotal: { amount: grand, currency }, memo: null,
    };
  }));

const BC_OPTIONS = { localCurrency: 'USD', shippingAccountNumber: '40250', taxAccountNumber: '22100', exemptTaxCode: 'NOTAX' };

describe.each(TAX_MODES)('every document adds up to the channel total (taxMode %s)', (taxMode: TaxMode) => {
  it(`NetSuite salesOrder, ${RUNS} orders`, () => {
    fc.assert(fc.property(order, (doc) => {
      const body = toNetSuiteSalesOrder(doc, { taxMode });
      // Read back through the wire form too: what NetSuite parses is what is counted.
      const wire = JSON.parse(JSON.stringify(body)) as typeof body;
      expect(netSuiteDocumentTotal(wire, doc, taxMode)).toEqual(doc.grandTotal);
      expect(() => checkedNetSuiteSalesOrder(doc, { taxMode })).not.toThrow();
    }), { numRuns: RUNS });
  });

  it(`Business Central salesOrder, ${RUNS} orders`, () => {
    fc.assert(fc.property(order, (doc) => {
      const body = toBcSalesOrder(doc, { ...BC_OPTIONS, taxMode });
      expect(bcDocumentTotal(body, doc, taxMode)).toEqual(doc.grandTotal);
      expect(serializeBcJson(checkedBcSalesOrder(doc, { ...BC_OPTIONS, taxMode }))).toBe(serializeBcJson(body));
    }), { numRuns: RUNS });
  });

  it('refuses, naming both figures, a document one minor unit off the grand total', () => {
    fc.assert(fc.property(order, fc.constantFrom(-1n, 1n), (doc, off) => {
      const wrong = { ...doc, grandTotal: { ...doc.grandTotal, amount: doc.grandTotal.amount + off } };
      for (const build of [() => checkedNetSuiteSalesOrder(wrong, { taxMode }), () => checkedBcSalesOrder(wrong, { ...BC_OPTIONS, taxMode })]) {
        expect(build).toThrow(expect.objectContaining({ kind: 'PERMANENT', details: expect.objectContaining({ code: 'DOCUMENT_TOTAL_MISMATCH' }) }) as Error);
      }
    }), { numRuns: 100 });
  });
});
