/**
 * The hub's orders for the bench files, written straight into the bench database (as the
 * orders module would have stored them). Every 200th has its principal 1.00 off, every 100th
 * (not already off) its tax 0.01 off, every 199th is left out; so the matching must find
 * AMOUNT_MISMATCH, ROUNDING and ORPHAN_REPORT_LINE exactly there.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { BenchOrder } from './files.js';

const CHUNK = 20_000;

export async function seedOrders(db: pg.Client, orders: readonly BenchOrder[]): Promise<{ orders: number; mismatched: number; taxCent: number; missing: number }> {
  let mismatched = 0;
  let taxCent = 0;
  let missing = 0;
  const kept: BenchOrder[] = [];
  orders.forEach((order, index) => {
    if (index % 199 === 198) {
      missing += 1;
      return;
    }
    if (index % 200 === 7) {
      mismatched += 1;
      kept.push({ ...order, subtotal: order.subtotal + 100n });
    } else if (index % 100 === 3 && order.channel === 'AMAZON') {
      taxCent += 1;
      kept.push({ ...order, tax: order.tax + 1n });
    } else kept.push(order);
  });
  for (let start = 0; start < kept.length; start += CHUNK) {
    const chunk = kept.slice(start, start + CHUNK);
    await db.query(`
      INSERT INTO orders (id, channel, account, external_id, order_number, status, currency_code, placed_at, source_updated_at, payment_status,
        risk_recommendation, tax_status, taxes_included, subtotal, discounts, tax, shipping, grand_total)
      SELECT id, channel, 'bench', external_id, external_id, 'RECEIVED', CASE channel WHEN 'AMAZON' THEN 'EUR' ELSE 'USD' END, now(), now(), 'PAID',
        'ACCEPT', 'COMPUTED', taxes_included, subtotal, 0, tax, shipping, subtotal + shipping + CASE WHEN taxes_included THEN 0 ELSE tax END
      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::bigint[], $6::bigint[], $7::bigint[])
        AS o (id, channel, external_id, taxes_included, subtotal, tax, shipping)`, [
      chunk.map(() => randomUUID()), chunk.map((o) => o.channel), chunk.map((o) => o.externalId), chunk.map((o) => o.taxesIncluded),
      chunk.map((o) => o.subtotal.toString()), chunk.map((o) => o.tax.toString()), chunk.map((o) => o.shipping.toString()),
    ]);
  }
  return { orders: kept.length, mismatched, taxCent, missing };
}

/** The baseline: the same files into plain tables by COPY, then one hash join against the orders. */
export const BASELINE_SQL = {
  tables: `
    CREATE TABLE raw_amazon (settlement_id text, start_date text, end_date text, deposit_date text, total_amount text, currency text,
      transaction_type text, order_id text, amount_type text, amount_description text, amount text);
    CREATE TABLE raw_shopify (line text)`,
  copyAmazon: `COPY raw_amazon FROM STDIN (FORMAT csv, DELIMITER E'\\t', HEADER true)`,
  copyShopify: `COPY raw_shopify FROM STDIN (FORMAT csv, DELIMITER E'\\x1f', QUOTE E'\\x1e')`,
  join: `
    WITH reported AS (
      SELECT 'AMAZON' AS channel, order_id AS order_ref, upper(amount_description) AS component, replace(amount, ',', '')::bigint AS amount
      FROM raw_amazon WHERE amount_type = 'ItemPrice'
      UNION ALL
      SELECT 'SHOPIFY', replace(l -> 'associatedOrder' ->> 'id', 'gid://shopify/Order/', ''), 'PRINCIPAL', replace(l -> 'amount' ->> 'amount', '.', '')::bigint
      FROM (SELECT line::jsonb AS l FROM raw_shopify) s WHERE l ->> 'type' = 'CHARGE'
    ), expected AS (
      SELECT o.channel, o.external_id, part.component, part.amount FROM orders o
      CROSS JOIN LATERAL (VALUES ('PRINCIPAL', o.subtotal), ('SHIPPING', o.shipping), ('TAX', CASE WHEN o.taxes_included THEN 0 ELSE o.tax END)) AS part (component, amount)
      WHERE part.amount <> 0
    )
    SELECT count(*)::int AS joined, count(*) FILTER (WHERE r.amount = e.amount)::int AS equal
    FROM (SELECT channel, order_ref, component, sum(amount) AS amount FROM reported GROUP BY 1, 2, 3) r
    JOIN expected e ON e.channel = r.channel AND e.external_id = r.order_ref AND e.component = r.component`,
};
