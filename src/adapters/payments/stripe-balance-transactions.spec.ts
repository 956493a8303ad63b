import { describe, expect, it } from '@jest/globals';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { SettlementComponent } from '../../canonical/settlement.js';
import { StripeBalanceTransactionsParser } from './stripe-balance-transactions.js';

const NAME = 'stripe-balance-transactions-po_1Stripe0001.jsonl';
const fixture = fileURLToPath(new URL(`../../../test/fixtures/settlements/${NAME}`, import.meta.url));

async function read(input: Readable = createReadStream(fixture), fileName = NAME) {
  const parser = new StripeBalanceTransactionsParser({ fileName, channel: 'STRIPE', fileHash: '0'.repeat(64) });
  const components: SettlementComponent[] = [];
  for await (const batch of parser.components(input)) components.push(...batch);
  return { components, summary: parser.summary() };
}

const bt = (fields: Record<string, unknown>) => JSON.stringify({
  id: 'txn_x', object: 'balance_transaction', amount: 100, fee: 0, net: 100, currency: 'jpy', created: 1, reporting_category: 'charge', type: 'charge', fee_details: [], ...fields,
});

describe('Stripe balance transactions by payout', () => {
  it('ties the net of the transactions to the payout and splits fee_details into typed fees', async () => {
    const { components, summary } = await read();
    expect(summary).toEqual({ format: 'STRIPE', reportId: 'po_1Stripe0001', channel: 'STRIPE', currency: 'USD', controlExpected: 9953n, controlActual: 9953n, lineCount: 6 });
    expect(components.every((c) => c.payoutRef === 'po_1Stripe0001')).toBe(true);
    expect(components.filter((c) => c.transactionRef === 'ch_1002').map((c) => [c.component, c.feeType, c.amount])).toEqual([
      ['PRINCIPAL', null, 12000n], ['FEE', 'stripe_fee', -349n], ['FEE', 'tax', -30n],
    ]);
    expect(components.find((c) => c.transactionRef === 'ch_1001')).toMatchObject({ orderRef: 'SO-2001', pspReference: 'txn_ch1', lineage: `${NAME}:2:txn_ch1` });
    expect(components.find((c) => c.component === 'REFUND')).toMatchObject({ orderRef: 'SO-1900', amount: -2500n });
    expect(components.filter((c) => c.transactionRef === 'dp_1').map((c) => [c.component, c.amount])).toEqual([['CHARGEBACK', -5000n], ['CHARGEBACK_FEE', -1500n]]);
    expect(components.find((c) => c.pspReference === 'txn_fee1')).toMatchObject({ component: 'FEE', feeType: 'stripe_fee', amount: -2348n });
  });

  it('takes the payout id even when the payout comes last, and reports a payout that does not tie', async () => {
    const text = `${bt({ id: 'a', amount: 1990, net: 1990 })}\n${bt({ id: 'p', amount: -1989, net: -1989, reporting_category: 'payout', type: 'payout', source: 'po_9' })}\n`;
    const { components, summary } = await read(Readable.from([text]), 'late.jsonl');
    expect(components.map((c) => c.payoutRef)).toEqual(['po_9', 'po_9']);
    expect(summary).toMatchObject({ currency: 'JPY', controlExpected: 1989n, controlActual: 1990n });
  });

  it('refuses decimals, a net that is not amount − fee and fee_details that do not add up, naming line and field', async () => {
    await expect(read(Readable.from([bt({ amount: 1.5 })]), 'x.jsonl')).rejects.toThrow('x.jsonl:1: amount:');
    await expect(read(Readable.from([bt({ net: 99 })]), 'x.jsonl')).rejects.toThrow('x.jsonl:1: net:');
    await expect(read(Readable.from([bt({ fee: 10, net: 90 })]), 'x.jsonl')).rejects.toThrow('x.jsonl:1: fee_details:');
    await expect(read(Readable.from([bt({})]), 'x.jsonl')).rejects.toThrow(/no payout/);
  });
});
