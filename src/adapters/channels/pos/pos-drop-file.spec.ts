import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { posFileBatches } from './pos-drop-file.js';
import { posChannel } from './pos-channel.js';

const CSV = [
  'transaction_id,type,at,register,currency,receipt,total,record,line_id,sku,title,quantity,unit_price,tax_title,tax_rate,tax_amount,tender_kind,tender_amount,tender_change,amount,business_date,registers,opening_float,counted',
  'T-1,SALE,2026-12-04T10:00:00-05:00,R1,USD,R-1,20.80,ITEM,1,MUG,Mug,1,20.00,NY State Tax,0.04,0.80,,,,,,,,',
  'T-1,,,,,,,TENDER,,,,,,,,,CASH,25.00,4.20,,,,,',
  'T-2,PAID_OUT,2026-12-04T11:00:00-05:00,R2,USD,,,,,,,,,,,,,,,5.00,,,,',
  'T-3,SALE,2026-12-04T12:00:00-05:00,R1,USD,,10.00,ITEM,1,MUG,Mug,two,10.00,,,,,,,,,,,',
  'C-1,DAY_CLOSE,2026-12-04T21:00:00-05:00,R1,USD,,,COUNT,,,,,,,,,,,,,2026-12-04,R1;R2,200.00,215.80',
].join('\n');

describe('POS file drops', () => {
  it('groups CSV rows by transaction, and transactions into batches by register and currency, in the batch model', () => {
    const read = posFileBatches({ name: 'day.csv', content: Buffer.from(CSV) }, 'store-1');
    if (!read.ok) throw new Error(read.reason);
    expect(read.batches.map((b) => [b.register, (b.transactions as { id: string }[]).map((t) => t.id)])).toEqual([['R1', ['T-1', 'T-3', 'C-1']], ['R2', ['T-2']]]);
    const [r1] = read.batches;
    expect((r1.transactions as unknown[])[0]).toEqual({
      id: 'T-1', type: 'SALE', at: '2026-12-04T10:00:00-05:00', receipt: 'R-1', total: '20.80',
      lines: [{ id: '1', sku: 'MUG', title: 'Mug', quantity: 1, unitPrice: '20.00', taxes: [{ title: 'NY State Tax', rate: '0.04', amount: '0.80' }] }],
      tenders: [{ kind: 'CASH', amount: '25.00', change: '4.20' }],
    });
    expect((r1.transactions as unknown[])[2]).toEqual({
      id: 'C-1', type: 'DAY_CLOSE', at: '2026-12-04T21:00:00-05:00', businessDate: '2026-12-04', registers: ['R1', 'R2'], cash: [{ currency: 'USD', openingFloat: '200.00', counted: '215.80' }],
    });
    // Each batch goes through the same split: the bad row's transaction is kept rejected with its reason.
    const split = posChannel.batches!.split(r1, 'store-1');
    if (!split.ok) throw new Error(split.refusal.message);
    expect(split.items.map((i) => [i.ref, i.status])).toEqual([['T-1', 'PENDING'], ['T-3', 'REJECTED'], ['C-1', 'PENDING']]);
    expect(split.items[1].error).toContain('transaction.lines[0].quantity');
  });

  it('reads NDJSON one transaction a line; a line that is not JSON is kept to be rejected; another store refuses the file', () => {
    const lines = ['{"id":"T-1","type":"NO_SALE","at":"2026-12-04T10:00:00Z","currency":"USD","register":"R1"}', '{not json', ''];
    const read = posFileBatches({ name: 'day.ndjson', content: Buffer.from(lines.join('\n')) }, 'store-1');
    if (!read.ok) throw new Error(read.reason);
    expect(read.batches.map((b) => b.transactions)).toEqual([[{ id: 'T-1', type: 'NO_SALE', at: '2026-12-04T10:00:00Z' }], ['line 2: not JSON']]);
    expect(posFileBatches({ name: 'x.ndjson', content: Buffer.from('{"id":"T","storeId":"other"}') }, 'store-1')).toEqual({ ok: false, reason: 'line 1 names store other, the folder store-1' });
    expect(posFileBatches({ name: 'x.txt', content: Buffer.from('a') }, 'store-1')).toEqual({ ok: false, reason: 'a POS drop is a .csv or an .ndjson file' });
  });

  it('reads the CSV example of the contract as it documents it', () => {
    const doc = readFileSync('docs/contracts/store-pos.md', 'utf8');
    const example = /```\n(transaction_id,[^`]+)```/.exec(doc)![1];
    const read = posFileBatches({ name: 'doc.csv', content: Buffer.from(example) }, 'brooklyn-01');
    if (!read.ok) throw new Error(read.reason);
    const [batch] = read.batches;
    const split = posChannel.batches!.split(batch, 'brooklyn-01');
    if (!split.ok) throw new Error(split.refusal.message);
    expect(split.items.map((i) => [i.ref, i.status, i.error])).toEqual([['T-1', 'PENDING', null], ['T-2', 'PENDING', null], ['C-1', 'PENDING', null]]);
  });
});
