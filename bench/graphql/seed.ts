/**
 * The order set of the GraphQL benchmark, written straight in SQL with generate_series
 * (seconds, not minutes): released orders each with an applied delivery, LINES lines,
 * HISTORY history entries and a posted sales order in one ERP target. The same statements
 * run on PostgreSQL and on PGlite.
 */
export type Sql = (text: string, params?: unknown[]) => Promise<unknown>;

export const LINES = 3;
export const HISTORY = 2;

export async function seedOrders(sql: Sql, orders: number): Promise<void> {
  await sql(
    `INSERT INTO erp_targets (id, variant, base_url, credentials, concurrency_cap, enabled)
     VALUES ('bench-erp', 'netsuite', 'http://127.0.0.1:9', '{}', 1, false)`,
  );
  await sql(
    `INSERT INTO inbox (id, source, account, topic, dedupe_key, body_hash, raw_body, headers, correlation_id, status)
     SELECT md5('inbox' || n)::uuid, 'SHOPIFY', 'bench.myshopify.com', 'orders/create', 'bench-' || n, 'x', '\\x7b7d'::bytea, '{}', 'bench-' || n, 'PROCESSED'
       FROM generate_series(1, $1) AS n`,
    [orders],
  );
  // A minute apart, newest last, so pages follow placed_at like real traffic.
  await sql(
    `INSERT INTO orders (id, channel, account, external_id, order_number, status, currency_code, placed_at, source_updated_at,
                         payment_status, risk_recommendation, tax_status, taxes_included, subtotal, discounts, tax, shipping, grand_total)
     SELECT md5('order' || n)::uuid, 'SHOPIFY', 'bench.myshopify.com', n::text, '#' || n, 'POSTED', 'USD',
            timestamptz '2026-01-01' + n * interval '1 minute', timestamptz '2026-01-01' + n * interval '1 minute',
            'PAID', 'ACCEPT', 'COMPLETE', false, 3000, 0, 240, 500, 3740
       FROM generate_series(1, $1) AS n`,
    [orders],
  );
  await sql(
    `INSERT INTO order_lines (id, order_id, position, external_id, sku, title, quantity, currency_code, unit_price, discount_total, tax_total,
                              fulfillment_method, requires_shipping, gift_card)
     SELECT md5('line' || n || '-' || p)::uuid, md5('order' || n)::uuid, p, n || '-' || p, 'SKU-' || p, 'Item ' || p, 1, 'USD', 1000, 0, 80,
            'SHIP', true, false
       FROM generate_series(1, $1) AS n CROSS JOIN generate_series(1, ${LINES}) AS p`,
    [orders],
  );
  await sql(
    `INSERT INTO order_history (order_id, at, from_status, to_status, reason, correlation_id, inbox_id)
     SELECT md5('order' || n)::uuid, timestamptz '2026-01-01' + n * interval '1 minute' + h * interval '1 second',
            CASE h WHEN 1 THEN NULL ELSE 'RELEASED' END, CASE h WHEN 1 THEN 'RELEASED' ELSE 'POSTED' END,
            CASE h WHEN 1 THEN 'created' ELSE 'posted' END, 'bench-' || n, md5('inbox' || n)::uuid
       FROM generate_series(1, $1) AS n CROSS JOIN generate_series(1, ${HISTORY}) AS h`,
    [orders],
  );
  await sql(
    `INSERT INTO order_source_events (order_id, inbox_id, topic, source_version, outcome, correlation_id)
     SELECT md5('order' || n)::uuid, md5('inbox' || n)::uuid, 'orders/create', timestamptz '2026-01-01' + n * interval '1 minute', 'APPLIED', 'bench-' || n
       FROM generate_series(1, $1) AS n`,
    [orders],
  );
  await sql(
    `INSERT INTO postings (id, target_id, document_type, subject_type, subject_id, order_id, status, attempts, erp_internal_id, erp_document_number, correlation_id, posted_at)
     SELECT md5('posting' || n)::uuid, 'bench-erp', 'SALES_ORDER', 'ORDER', md5('order' || n)::uuid, md5('order' || n)::uuid, 'POSTED', 1, (100000 + n)::text, 'SO' || n, 'bench-' || n, now()
       FROM generate_series(1, $1) AS n`,
    [orders],
  );
  await sql('ANALYZE');
}
