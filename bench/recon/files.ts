/**
 * Settlement files for the bench, in the vendors' shapes: Amazon settlement V2 (TSV, EU
 * decimals) and Shopify Payments payouts (JSON Lines). Amounts follow from the order number,
 * so the hub's orders can be seeded to agree with them, or to differ on purpose.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';

export interface BenchOrder {
  readonly channel: 'AMAZON' | 'SHOPIFY';
  readonly externalId: string;
  readonly subtotal: bigint;
  readonly tax: bigint;
  readonly shipping: bigint;
  readonly taxesIncluded: boolean;
}

export interface BenchFile {
  readonly path: string;
  readonly format: 'AMAZON_V2' | 'SHOPIFY_PAYMENTS';
  readonly channel: 'AMAZON' | 'SHOPIFY';
  readonly lines: number;
}

const AMAZON_HEADER = 'settlement-id\tsettlement-start-date\tsettlement-end-date\tdeposit-date\ttotal-amount\tcurrency\ttransaction-type\torder-id\tamount-type\tamount-description\tamount';

const eu = (minor: bigint) => `${minor < 0n ? '-' : ''}${(minor < 0n ? -minor : minor) / 100n},${String((minor < 0n ? -minor : minor) % 100n).padStart(2, '0')}`;
const dot = (minor: bigint) => `${minor < 0n ? '-' : ''}${(minor < 0n ? -minor : minor) / 100n}.${String((minor < 0n ? -minor : minor) % 100n).padStart(2, '0')}`;

/** One Amazon order: principal, tax, shipping on every third, and the commission. */
export function amazonOrder(file: number, n: number): BenchOrder {
  const subtotal = 1000n + BigInt((n * 37) % 90_000);
  return { channel: 'AMAZON', externalId: `302-${String(file).padStart(7, '0')}-${String(n).padStart(7, '0')}`, subtotal, tax: (subtotal * 19n) / 100n, shipping: n % 3 === 0 ? 499n : 0n, taxesIncluded: false };
}

export function shopifyOrder(file: number, n: number): BenchOrder {
  // The hub keys Shopify orders by their numeric id; the report names them by gid.
  return { channel: 'SHOPIFY', externalId: String(file * 10_000_000 + n), subtotal: 500n + BigInt((n * 53) % 50_000), tax: 0n, shipping: 0n, taxesIncluded: true };
}

class Writer {
  private readonly out;
  private buffer = '';
  constructor(path: string) {
    this.out = createWriteStream(path);
  }
  async line(text: string): Promise<void> {
    this.buffer += `${text}\n`;
    if (this.buffer.length > 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buffer && !this.out.write(this.buffer)) await once(this.out, 'drain');
    this.buffer = '';
  }
  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'finish');
  }
}

/** An Amazon settlement of about `lines` component lines; returns its orders. */
export async function writeAmazon(dir: string, file: number, lines: number, orders: BenchOrder[]): Promise<BenchFile> {
  const rows: string[] = [];
  let total = 0n;
  let written = 0;
  const id = String(11_900_000_000 + file);
  for (let n = 0; written < lines; n++) {
    const order = amazonOrder(file, n);
    orders.push(order);
    const commission = -((order.subtotal * 15n) / 100n);
    const parts: [string, string, bigint][] = [['ItemPrice', 'Principal', order.subtotal], ['ItemPrice', 'Tax', order.tax], ['ItemFees', 'Commission', commission]];
    if (order.shipping) parts.splice(2, 0, ['ItemPrice', 'Shipping', order.shipping]);
    for (const [type, description, amount] of parts) {
      rows.push(`${id}\t\t\t\t\tEUR\tOrder\t${order.externalId}\t${type}\t${description}\t${eu(amount)}`);
      total += amount;
      written += 1;
    }
  }
  const path = join(dir, `amazon-${id}.tsv`);
  const out = new Writer(path);
  await out.line(AMAZON_HEADER);
  await out.line(`${id}\t01.03.2026 00:00:00 UTC\t15.03.2026 00:00:00 UTC\t17.03.2026 00:00:00 UTC\t${eu(total)}\tEUR\t\t\t\t\t`);
  for (const row of rows) await out.line(row);
  await out.close();
  return { path, format: 'AMAZON_V2', channel: 'AMAZON', lines: written };
}

/** A Shopify Payments payout with `lines` CHARGE balance transactions, one per order. */
export async function writeShopify(dir: string, file: number, lines: number, orders: BenchOrder[]): Promise<BenchFile> {
  const rows: string[] = [];
  let gross = 0n;
  let fees = 0n;
  const payout = String(700_000_000 + file);
  for (let n = 0; n < lines; n++) {
    const order = shopifyOrder(file, n);
    orders.push(order);
    const fee = (order.subtotal * 29n) / 1000n + 30n;
    gross += order.subtotal;
    fees += fee;
    const money = (minor: bigint) => `{"amount": "${dot(minor)}", "currencyCode": "USD"}`;
    rows.push(`{"id": "gid://shopify/ShopifyPaymentsBalanceTransaction/${file * 10_000_000 + n}", "type": "CHARGE", "sourceType": "CHARGE", "sourceOrderTransactionId": "${n}", `
      + `"transactionDate": "2026-03-06T10:00:00Z", "associatedOrder": {"id": "gid://shopify/Order/${order.externalId}"}, "amount": ${money(order.subtotal)}, "fee": ${money(fee)}, "net": ${money(order.subtotal - fee)}}`);
  }
  const zero = '{"amount": "0.00", "currencyCode": "USD"}';
  const money = (minor: bigint) => `{"amount": "${dot(minor)}", "currencyCode": "USD"}`;
  const path = join(dir, `shopify-${payout}.jsonl`);
  const out = new Writer(path);
  await out.line(`{"id": "gid://shopify/ShopifyPaymentsPayout/${payout}", "legacyResourceId": "${payout}", "status": "PAID", "issuedAt": "2026-03-10T00:00:00Z", "net": ${money(gross - fees)}, `
    + `"summary": {"chargesGross": ${money(gross)}, "chargesFee": ${money(fees)}, "refundsFeeGross": ${zero}, "refundsFee": ${zero}, "adjustmentsGross": ${zero}, "adjustmentsFee": ${zero}}}`);
  for (const row of rows) await out.line(row);
  await out.close();
  return { path, format: 'SHOPIFY_PAYMENTS', channel: 'SHOPIFY', lines };
}
