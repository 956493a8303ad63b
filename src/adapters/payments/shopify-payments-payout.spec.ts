import { describe, expect, it } from '@jest/globals';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { SettlementComponent } from '../../canonical/settlement.js';
import { ShopifyPaymentsPayoutParser } from './shopify-payments-payout.js';

const NAME = 'shopify-payments-payout-623721858.jsonl';
const fixture = fileURLToPath(new URL(`../../../test/fixtures/settlements/${NAME}`, import.meta.url));

async function read(input: Readable = createReadStream(fixture), fileName = NAME) {
  const parser = new ShopifyPaymentsPayoutParser({ fileName, channel: 'SHOPIFY', fileHash: '0'.repeat(64) });
  const components: SettlementComponent[] = [];
  for await (const batch of parser.components(input)) components.push(...batch);
  return { components, summary: parser.summary() };
}

const m = (amount: string, currencyCode = 'JPY') => ({ amount, currencyCode });

describe('Shopify Payments payout export', () => {
  it('ties the balance transactions to the payout, with the summary identity holding', async () => {
    const { components, summary } = await read();
    expect(summary).toEqual({
      format: 'SHOPIFY_PAYMENTS', reportId: '623721858', channel: 'SHOPIFY', currency: 'CAD', controlExpected: 8181n, controlActual: 8181n, lineCount: 4, checks: [],
    });
    expect(components[0]).toMatchObject({ component: 'PAYOUT', amount: 8181n, payoutStatus: 'PAID', payoutRef: '623721858' });
    expect(components.filter((c) => c.orderRef === '5001').map((c) => [c.component, c.feeType, c.amount])).toEqual([
      ['PRINCIPAL', null, 6000n], ['FEE', 'SHOPIFY_PAYMENTS_CHARGE_FEE', -194n],
    ]);
    expect(components.filter((c) => c.orderRef === '4990').map((c) => [c.component, c.amount])).toEqual([['REFUND', -2000n], ['FEE', 30n]]);
    expect(components.find((c) => c.providerKey.startsWith('SHIPPING_LABEL'))).toMatchObject({ component: 'UNKNOWN', amount: -500n, providerKey: 'SHIPPING_LABEL|ADJUSTMENT|shipping_label' });
  });

  it('reports a summary that does not add up and a line whose net is not amount − fee, with their figures', async () => {
    const payout = { id: 'gid://shopify/ShopifyPaymentsPayout/1', status: 'PAID', net: m('-1000'), summary: { chargesGross: m('500'), chargesFee: m('0'), refundsFeeGross: m('-1499') } };
    const line = { id: 'b1', type: 'CHARGE', amount: m('500'), fee: m('0'), net: m('501') };
    const refund = { id: 'b2', type: 'REFUND', amount: m('-1500'), fee: m('0'), net: m('-1500') };
    const { summary } = await read(Readable.from([[payout, line, refund].map((o) => JSON.stringify(o)).join('\n')]), 'neg.jsonl');
    expect(summary).toMatchObject({ currency: 'JPY', controlExpected: -1000n, controlActual: -1000n });
    expect(summary.checks).toEqual([
      { name: 'payout summary: net = Σ gross − Σ fee', lineage: 'neg.jsonl:1', expected: -1000n, actual: -999n },
      { name: 'balance transaction b1: net = amount − fee', lineage: 'neg.jsonl:2', expected: 501n, actual: 500n },
    ]);
  });

  it('refuses a first line that is not a payout and a line in another currency', async () => {
    await expect(read(Readable.from(['{"id":"b1","type":"CHARGE"}\n']), 'x.jsonl')).rejects.toThrow('x.jsonl:1: id: the first line must be');
    const payout = { id: 'p', status: 'PAID', net: m('0'), summary: {} };
    const usd = { id: 'b1', type: 'CHARGE', amount: m('1.00', 'USD'), fee: m('0'), net: m('1') };
    await expect(read(Readable.from([`${JSON.stringify(payout)}\n${JSON.stringify(usd)}\n`]), 'x.jsonl')).rejects.toThrow('x.jsonl:2: amount.currencyCode:');
  });
});
