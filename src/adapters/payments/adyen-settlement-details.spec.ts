import { describe, expect, it } from '@jest/globals';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { SettlementComponent } from '../../canonical/settlement.js';
import { AdyenSettlementDetailsParser } from './adyen-settlement-details.js';

const NAME = 'adyen-settlement_detail_report_batch_124.csv';
const fixture = fileURLToPath(new URL(`../../../test/fixtures/settlements/${NAME}`, import.meta.url));

async function read(input: Readable = createReadStream(fixture), fileName = NAME) {
  const parser = new AdyenSettlementDetailsParser({ fileName, channel: 'ADYEN', fileHash: '0'.repeat(64) });
  const components: SettlementComponent[] = [];
  for await (const batch of parser.components(input)) components.push(...batch);
  return { components, summary: parser.summary() };
}

describe('Adyen settlement details report', () => {
  it('ties credits − debits, Balancetransfer included, to the MerchantPayout of the batch', async () => {
    const { components, summary } = await read();
    expect(summary).toEqual({ format: 'ADYEN', reportId: '124', channel: 'ADYEN', currency: 'EUR', controlExpected: 11140n, controlActual: 11140n, lineCount: 6 });
    expect(components.find((c) => c.component === 'PAYOUT')).toMatchObject({ amount: 11140n, payoutRef: '124', transactionRef: 'TX-124-EUR' });
    expect(components.find((c) => c.providerKey === 'Balancetransfer')).toMatchObject({ component: 'ADJUSTMENT', amount: -1000n });
  });

  it('splits a settled capture into its gross and one fee per fee column, keyed by PSP and merchant reference', async () => {
    const { components } = await read();
    const first = components.filter((c) => c.pspReference === '8815000000000001');
    expect(first.map((c) => [c.component, c.feeType, c.amount])).toEqual([
      ['PRINCIPAL', null, 10000n], ['FEE', 'Commission', -20n], ['FEE', 'Markup', -50n], ['FEE', 'Scheme Fees', -40n], ['FEE', 'Interchange', -130n],
    ]);
    expect(first[0]).toMatchObject({ orderRef: 'SO-1001', lineage: `${NAME}:2` });
    expect(first[0].eventAt?.toISOString()).toBe('2026-03-02T11:00:00.000Z');
    const refund = components.filter((c) => c.pspReference === '8815000000000003');
    expect(refund.map((c) => [c.component, c.amount])).toEqual([['REFUND', -2000n], ['FEE', -10n]]);
    expect(components.find((c) => c.providerKey === 'Fee')).toMatchObject({ component: 'FEE', feeType: 'Fee', amount: -500n });
  });

  it('refuses a second batch in one file and a signed amount, naming row and column', async () => {
    const header = 'Type,Net Currency,Net Debit (NC),Net Credit (NC),Batch Number\n';
    await expect(read(Readable.from([`${header}Settled,EUR,,1.00,1\nSettled,EUR,,1.00,2\n`]), 'x.csv')).rejects.toThrow('x.csv:3: Batch Number:');
    await expect(read(Readable.from([`${header}Settled,EUR,,-1.00,1\n`]), 'x.csv')).rejects.toThrow('x.csv:2: Net Credit (NC): Net Credit (NC) is unsigned');
  });

  it('keeps a batch without payout whose balance rolls forward, and flags a batch that does not tie', async () => {
    const header = 'Type,Net Currency,Net Debit (NC),Net Credit (NC),Batch Number\n';
    const rolled = await read(Readable.from([`${header}Refunded,JPY,1500,,7\nBalancetransfer,JPY,,1500,7\n`]), 'r.csv');
    expect(rolled.summary).toMatchObject({ currency: 'JPY', controlExpected: 0n, controlActual: 0n });
    const off = await read(Readable.from([`${header}Settled,KWD,,1.235,8\nMerchantPayout,KWD,1.234,,8\n`]), 'o.csv');
    expect([off.summary.controlExpected, off.summary.controlActual]).toEqual([1234n, 1235n]);
  });
});
