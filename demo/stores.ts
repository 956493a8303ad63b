/**
 * The store leg of the demo: the Brooklyn store's tills send the day's transactions in signed
 * batches (POST /webhooks/pos/{store}/batches). Sales are orders paid and handed over at the
 * till: each reaches NetSuite as a sales order with its item fulfilment from the store's
 * location, never as a request to the store system. The day also has a no-sale, cash paid out
 * and in, and one transaction the till got wrong (its tenders do not cover its total): it is
 * kept with its reason and the rest of the batch goes through. The batch is sent twice, as a
 * till does after a lost answer: the second adds nothing. At closing the manager counts the
 * drawer (a DAY_CLOSE in a batch of its own): it is 1.25 short, and NetSuite gets the variance
 * as a journal between the store's cash account and cash over/short.
 */
import { createHmac } from 'node:crypto';
import { readChannelOrders, type ChannelOrderView } from './channel-orders.js';
import { decimal, NY_TAXES, taxLines } from './money.js';
import { requestJson, type Json } from './http.js';
import { waitFor, type Pace } from './progress.js';
import type { World } from './world.js';

export const POS_STORE = 'brooklyn-01';
const DAY = '2026-12-04';
const OPENING_FLOAT = 20_000n;
const PAID_IN = 10_000n;
const PAID_OUT = 1_250n;
/** The drawer comes up short by this much at closing. */
const SHORT = 125n;

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

/** What a sale comes to with the NY taxes of each line, in cents. */
function saleTotal(lines: readonly TillLine[]): bigint {
  return lines.reduce((n, line) => {
    const net = line.cents * BigInt(line.quantity);
    return n + net + taxLines(net, NY_TAXES).reduce((t, x) => t + x.cents, 0n);
  }, 0n);
}

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
      { id: 'T-0008', type: 'PAID_OUT', at: `${DAY}T13:05:00-05:00`, amount: decimal(PAID_OUT), reason: 'window cleaner' },
      { id: 'T-0009', type: 'PAID_IN', at: `${DAY}T09:00:00-05:00`, amount: decimal(PAID_IN), reason: 'float top-up' },
    ],
  });
}

/** What the drawer should hold at closing: the float, cash sales kept after change, paid in less paid out. */
export function expectedCash(): bigint {
  return OPENING_FLOAT + PAID_IN - PAID_OUT + SALES.filter((s) => s.cash).reduce((n, s) => n + saleTotal(s.lines), 0n);
}

/** The manager's count, in a batch of its own after the day's transactions. */
function closingBatch(): string {
  return JSON.stringify({
    schemaVersion: 1, batchId: `B-${DAY}-CLOSE`, storeId: POS_STORE, register: 'R1', currency: 'USD',
    transactions: [{
      id: `C-${POS_STORE}-${DAY}`, type: 'DAY_CLOSE', at: `${DAY}T21:05:00-05:00`, businessDate: DAY, registers: ['R1'],
      cash: [{ currency: 'USD', openingFloat: decimal(OPENING_FLOAT), counted: decimal(expectedCash() - SHORT) }],
    }],
  });
}

export interface StoreOutcome {
  readonly sales: number;
  readonly accepted: number;
  readonly rejected: number;
  /** The second sending of the same batch: every transaction a duplicate. */
  readonly duplicatesOnResend: number;
  /** The closed day as GraphQL shows it: status, expected, counted and variance in cents, its journals posted. */
  readonly day: { status: string; expected: bigint; counted: bigint; variance: bigint; journalsPosted: number } | null;
}

const STORE_DAY = `query($filter: StoreDayFilter) { storeDays(filter: $filter) {
  status expected { amount } counted { amount } variance { amount } journals { state erp { postingStatus } } } }`;
const cents = (amount: string): bigint => {
  const negative = amount.startsWith('-');
  const [whole, fraction = ''] = amount.replace('-', '').split('.');
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  return negative ? -value : value;
};

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
  const close = closingBatch();
  await requestJson('POST', `${world.hubUrl}/webhooks/pos/${POS_STORE}/batches`, close, {
    'x-pos-signature': `sha256=${createHmac('sha256', world.posSecret).update(close).digest('hex')}`,
  });
  const days = await waitFor(pace, {
    what: `the ${DAY} store day closed, its variance journal posted in NetSuite`,
    read: async () => (await world.hub.graphql(STORE_DAY, { filter: { storeId: POS_STORE, from: DAY, to: DAY } })).storeDays as Json[],
    missing: (list) => (list[0]?.status === 'POSTED' ? null : `the day is ${String(list[0]?.status ?? 'not known')}`),
    progress: (list) => `status ${String(list[0]?.status ?? '-')}`,
  });
  const day = days[0];
  const outcome = {
    status: day.status as string, expected: cents(day.expected[0].amount as string), counted: cents(day.counted[0].amount as string),
    variance: cents(day.variance[0].amount as string), journalsPosted: (day.journals as Json[]).filter((j) => j.state === 'POSTED').length,
  };
  log(`  day ${DAY} closed: expected ${decimal(outcome.expected)}, counted ${decimal(outcome.counted)}, variance ${outcome.variance < 0n ? '-' : ''}${decimal(outcome.variance < 0n ? -outcome.variance : outcome.variance)} USD, ${outcome.journalsPosted} journal posted`);
  return {
    sales: SALES.length, accepted: first.counts.accepted as number, rejected: first.counts.rejected as number, duplicatesOnResend: again.counts.duplicate as number,
    day: outcome,
  };
}

export const STORE_SHORT_CENTS = SHORT;

export const STORE_SALES = SALES.length;
