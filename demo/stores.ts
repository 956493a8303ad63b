/**
 * The store leg of the demo: the Brooklyn store's tills send the day's transactions in signed
 * batches (POST /webhooks/pos/{store}/batches). Sales are orders paid and handed over at the
 * till: each reaches NetSuite as a sales order with its item fulfilment from the store's
 * location, never as a request to the store system. The day also has a no-sale, cash paid out
 * and in, and one transaction the till got wrong (its tenders do not cover its total): it is
 * kept with its reason and the rest of the batch goes through. The batch is sent twice, as a
 * till does after a lost answer: the second adds nothing.
 */
import { createHmac } from 'node:crypto';
import { readChannelOrders, type ChannelOrderView } from './channel-orders.js';
import { decimal, NY_TAXES, taxLines } from './money.js';
import { requestJson, type Json } from './http.js';
import { waitFor, type Pace } from './progress.js';
import type { World } from './world.js';

export const POS_STORE = 'brooklyn-01';
const DAY = '2026-12-04';

interface TillLine {
  readonly sku: string;
  readonly title: string;
  readonly cents: bigint;
  readonly quantity: number;
}

const SALES: readonly { id: string; lines: TillLine[]; cash: boolean }[] = [
  { id: 'T-0001', cash: true, lines: [{ sku: 'MUG-ENAMEL-WHT', title: 'Enamel Camp Mug', cents: 1800n, quantity: 2 }] },
  { id: 'T-0002', cash: false, lines: [{ sku: 'SOCK-TRAIL-3PK', title: 'Trail Socks 3-Pack', cents: 2450n, quantity: 1 }, { sku: 'DESCALE-TABS-12', title: 'Descaling Tablets (12)', cents: 1200n, quantity: 1 }] },
  { id: 'T-0003', cash: true, lines: [{ sku: 'BEANIE-WOOL-GRY', title: 'Wool Beanie', cents: 3200n, quantity: 1 }] },
  { id: 'T-0004', cash: false, lines: [{ sku: 'MER-CREW-NVY-M', title: 'Merino Crew Sweater', cents: 8900n, quantity: 1 }] },
  { id: 'T-0005', cash: true, lines: [{ sku: 'DESCALE-TABS-12', title: 'Descaling Tablets (12)', cents: 1200n, quantity: 3 }] },
];

/** A sale as the till records it: per line the NY taxes, cash rounded up to the next note with its change. */
function sale(id: string, lines: readonly TillLine[], cash: boolean, hour: number): Json {
  let total = 0n;
  const body = lines.map((line, i) => {
    const net = line.cents * BigInt(line.quantity);
    const taxes = taxLines(net, NY_TAXES);
    total += net + taxes.reduce((n, t) => n + t.cents, 0n);
    return {
      id: String(i + 1), sku: line.sku, title: line.title, quantity: line.quantity, unitPrice: decimal(line.cents),
      taxes: taxes.map((t) => ({ title: t.rate.title, rate: t.rate.rateText, amount: decimal(t.cents) })),
    };
  });
  const tendered = cash ? ((total + 1999n) / 2000n) * 2000n : total;
  return {
    id, type: 'SALE', at: `${DAY}T${String(hour).padStart(2, '0')}:15:00-05:00`, receipt: `BK-${id}`, lines: body,
    tenders: [cash ? { kind: 'CASH', amount: decimal(tendered), change: decimal(tendered - total) } : { kind: 'CARD', gateway: 'adyen', amount: decimal(total) }],
    total: decimal(total),
  };
}

export function storeDayBatch(): string {
  const sales = SALES.map((s, i) => sale(s.id, s.lines, s.cash, 10 + i));
  const wrong = { ...sale('T-0006', SALES[0].lines, false, 16), tenders: [{ kind: 'CARD', gateway: 'adyen', amount: '1.00' }] };
  return JSON.stringify({
    schemaVersion: 1, batchId: `B-${DAY}-R1`, storeId: POS_STORE, register: 'R1', currency: 'USD',
    transactions: [
      ...sales, wrong,
      { id: 'T-0007', type: 'NO_SALE', at: `${DAY}T12:40:00-05:00` },
      { id: 'T-0008', type: 'PAID_OUT', at: `${DAY}T13:05:00-05:00`, amount: '12.50', reason: 'window cleaner' },
      { id: 'T-0009', type: 'PAID_IN', at: `${DAY}T09:00:00-05:00`, amount: '100.00', reason: 'float top-up' },
    ],
  });
}

export interface StoreOutcome {
  readonly sales: number;
  readonly accepted: number;
  readonly rejected: number;
  /** The second sending of the same batch: every transaction a duplicate. */
  readonly duplicatesOnResend: number;
}

const done = (o: ChannelOrderView | undefined): boolean =>
  o?.status === 'FULFILLED' && o.erpReferences.some((r) => r.documentType === 'SALES_ORDER' && r.postingStatus === 'POSTED')
  && o.shipments.length > 0 && o.shipments.every((s) => s.erp.length > 0 && s.erp.every((e) => e.postingStatus === 'POSTED'));

export async function runStoreDay(world: World, pace: Pace, log: (line: string) => void): Promise<StoreOutcome> {
  const batch = storeDayBatch();
  const send = () => requestJson('POST', `${world.hubUrl}/webhooks/pos/${POS_STORE}/batches`, batch, {
    'x-pos-signature': `sha256=${createHmac('sha256', world.posSecret).update(batch).digest('hex')}`,
  });
  const first = await send();
  const again = await send();
  log(`  batch ${first.batchId as string}: ${JSON.stringify(first.counts)}; sent again: ${JSON.stringify(again.counts)}`);
  for (const item of (first.items as Json[]).filter((i) => i.status === 'rejected')) log(`    ${item.ref as string} kept, rejected: ${item.reason as string}`);
  await waitFor(pace, {
    what: 'store sales in NetSuite: sales orders with their item fulfilments from the store',
    read: () => readChannelOrders(world.hub, 'POS'),
    missing: (orders) => {
      const open = SALES.filter((s) => !done(orders.get(s.id)));
      return open.length === 0 ? null : `${open.length} store sales not posted`;
    },
    progress: (orders) => `${SALES.filter((s) => done(orders.get(s.id))).length}/${SALES.length} sales posted`,
  });
  return { sales: SALES.length, accepted: first.counts.accepted as number, rejected: first.counts.rejected as number, duplicatesOnResend: again.counts.duplicate as number };
}

export const STORE_SALES = SALES.length;
