import { describe, expect, it } from '@jest/globals';
import type { CashSaleDocument } from '../../../adapters/erp/erp-adapter.port.js';
import { dailySummary } from './daily-summary.js';
import { summaryKey } from './store-day-sales.builder.js';

const usd = (amount: bigint) => ({ amount, currency: 'USD' });

function sale(number: string, total: bigint, gateway: string): CashSaleDocument {
  return {
    sale: {
      externalId: `POS-${number}`, channelOrderNumber: number, placedAt: '2026-12-06T15:00:00.000Z', currency: 'USD', customerId: '900', subsidiaryId: '1',
      locationId: '12', shipping: usd(0n), shippingTaxCode: null, grandTotal: usd(total), memo: null,
      lines: [{ lineRef: '1', itemId: '506', description: 'Mug', quantity: 2, unitPrice: usd(1800n), discount: usd(200n), tax: usd(total - 3400n), taxCode: '-7', taxes: [], locationId: '12' }],
    },
    tenders: [{ kind: gateway === 'cash' ? 'CASH' : 'CARD', gateway, amount: usd(total), paymentMethodId: gateway === 'cash' ? '1' : '5', accountId: gateway === 'cash' ? '1010' : '1020' }],
  };
}

describe('a store day\'s sales as one cash sale', () => {
  it('keeps every line under its sale, sums the tenders per mapping and the totals exactly', () => {
    const doc = dailySummary({ externalId: 'POS-SUM-bk-20261206', store: 'bk', businessDate: '2026-12-06', seq: 1 }, [sale('T-1', 3536n, 'cash'), sale('T-2', 3536n, 'adyen'), sale('T-3', 3537n, 'cash')]);
    expect(doc.sale.externalId).toBe('POS-SUM-bk-20261206');
    expect(doc.sale.lines.map((l) => l.lineRef)).toEqual(['T-1/1', 'T-2/1', 'T-3/1']);
    expect(doc.sale.grandTotal).toEqual(usd(10609n));
    expect(doc.tenders.map((t) => [t.gateway, t.amount.amount])).toEqual([['cash', 7073n], ['adyen', 3536n]]);
    expect(doc.tenders.reduce((n, t) => n + t.amount.amount, 0n)).toBe(doc.sale.grandTotal.amount);
    expect(doc.sale.accountingDate).toBe('2026-12-06');
  });

  it('refuses sales in two currencies, and keys each summary of a day within 35 characters', () => {
    const euro = { ...sale('T-9', 100n, 'cash'), sale: { ...sale('T-9', 100n, 'cash').sale, currency: 'EUR' } };
    expect(() => dailySummary({ externalId: 'k', store: 'bk', businessDate: '2026-12-06', seq: 1 }, [sale('T-1', 3536n, 'cash'), euro])).toThrow(/EUR/);
    expect(summaryKey({ channel: 'POS', store: 'brooklyn-01', businessDate: '2026-12-06', seq: 1 })).toBe('POS-SUM-brooklyn-01-20261206');
    expect(summaryKey({ channel: 'POS', store: 'brooklyn-01', businessDate: '2026-12-06', seq: 3 })).toBe('POS-SUM-brooklyn-01-20261206-3');
    const long = summaryKey({ channel: 'POS', store: 'a-very-long-store-identifier-of-a-franchise', businessDate: '2026-12-06', seq: 12 });
    expect(long.length).toBeLessThanOrEqual(35);
    expect(long).toMatch(/^POS-SUM-[0-9A-F]{8}-20261206-12$/);
  });
});
