import { describe, expect, it } from '@jest/globals';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { SettlementComponent } from '../../canonical/settlement.js';
import { amazonComponent, AmazonSettlementV2Parser } from './amazon-settlement-v2.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/settlements/${name}`, import.meta.url));

async function read(name: string, input: Readable = createReadStream(fixture(name))) {
  const parser = new AmazonSettlementV2Parser({ fileName: name, channel: 'AMAZON', fileHash: '0'.repeat(64) });
  const components: SettlementComponent[] = [];
  for await (const batch of parser.components(input)) components.push(...batch);
  return { components, summary: parser.summary() };
}

describe('Amazon settlement report V2', () => {
  it('reads the summary row as the payout and every line with its triple, lineage and exact EU amount', async () => {
    const { components, summary } = await read('amazon-v2-settlement-1.tsv');
    expect(summary).toEqual({
      format: 'AMAZON_V2', reportId: '11811111111', channel: 'AMAZON', currency: 'EUR', controlExpected: 119358n, controlActual: 119358n, lineCount: 10,
    });
    expect(components[0]).toMatchObject({ component: 'PAYOUT', amount: 119358n, payoutRef: '11811111111', lineage: 'amazon-v2-settlement-1.tsv:2' });
    expect(components[0].postedAt?.toISOString()).toBe('2026-03-17T00:00:00.000Z');
    expect(components[1]).toMatchObject({
      component: 'PRINCIPAL', amount: 119900n, orderRef: '302-1111111-1111111', providerKey: 'Order|ItemPrice|Principal', lineage: 'amazon-v2-settlement-1.tsv:3',
    });
    expect(components[1].eventAt?.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(components.filter((c) => c.component === 'FEE').map((c) => [c.feeType, c.amount])).toEqual([
      ['Commission', -17985n], ['FBAPerUnitFulfillmentFee', -537n], ['Commission', -750n],
    ]);
    expect(components.find((c) => c.component === 'DISCOUNT')?.amount).toBe(-500n);
    expect(components.at(-1)).toMatchObject({ component: 'RESERVE_HOLD', amount: -10000n, orderRef: null });
  });

  it('reads the next settlement: reserve released, the refund, and an unknown triple kept as UNKNOWN with its exact amount', async () => {
    const { components, summary } = await read('amazon-v2-settlement-2.tsv');
    expect(summary.controlActual).toBe(4829n);
    expect(summary.controlExpected).toBe(4829n);
    expect(components.filter((c) => c.component === 'REFUND').map((c) => c.amount)).toEqual([-5000n, -950n, 500n]);
    expect(components.find((c) => c.component === 'RESERVE_RELEASE')?.amount).toBe(10000n);
    expect(components.find((c) => c.component === 'UNKNOWN')).toMatchObject({ providerKey: 'Warehouse Surcharge|other-transaction|Peak Handling', amount: -321n });
  });

  it('reports a control-total failure with both figures instead of refusing the file', async () => {
    const { summary } = await read('amazon-v2-control-total-failure.tsv');
    expect([summary.controlExpected, summary.controlActual]).toEqual([1701n, 1700n]);
  });

  it('refuses a file whose first row is not the summary, naming the row and column', async () => {
    const text = 'settlement-id\ttotal-amount\tcurrency\ttransaction-type\tamount-type\tamount-description\tamount\n1\t\t\tOrder\tItemPrice\tPrincipal\t1.00\n';
    await expect(read('bad.tsv', Readable.from([text]))).rejects.toThrow('bad.tsv:2: transaction-type: the first row must be the settlement summary');
  });

  it('finds columns by header name when Amazon adds or moves one', async () => {
    const text = 'currency\tsettlement-id\textra\ttotal-amount\ttransaction-type\tamount-type\tamount-description\tamount\n'
      + 'JPY\t9\tx\t1,990\t\t\t\t\nJPY\t9\tx\t\tOrder\tItemPrice\tPrincipal\t1990\n';
    const { components, summary } = await read('moved.tsv', Readable.from([text]));
    expect(summary).toMatchObject({ currency: 'JPY', controlExpected: 1990n, controlActual: 1990n });
    expect(components[1]).toMatchObject({ component: 'PRINCIPAL', amount: 1990n, currency: 'JPY' });
  });

  it('names triples by what they mean and leaves new ones UNKNOWN', () => {
    expect(amazonComponent('Order', 'ItemPrice', 'ShippingTax').component).toBe('TAX');
    expect(amazonComponent('Chargeback Refund', 'ItemPrice', 'Principal').component).toBe('CHARGEBACK');
    expect(amazonComponent('ServiceFee', 'other-transaction', 'Subscription Fee')).toEqual({ component: 'FEE', feeType: 'Subscription Fee' });
    expect(amazonComponent('Order', 'ItemPrice', 'SomethingNew').component).toBe('UNKNOWN');
  });
});
