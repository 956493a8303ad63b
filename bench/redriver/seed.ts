/**
 * The held-order data set of the redriver benchmark, written straight in SQL with
 * generate_series (seconds, not minutes): held orders each with an applied delivery and
 * `keysPerOrder` unmapped keys, and `mappings` live mappings that mostly answer other values,
 * as after months of mapping work with a backlog of held orders.
 */
import type pg from 'pg';

export interface SeedSize {
  /** Live mappings in all. */
  readonly mappings: number;
  /** Unmapped keys in all, `keysPerOrder` per held order. */
  readonly keys: number;
}

export interface Seeded {
  readonly orders: number;
  readonly keys: number;
  readonly mappings: number;
  /** Held orders one of whose keys was already mapped before the start: the start-up scan must find them. */
  readonly stale: number;
}

/** ITEM, ITEM, LOCATION, CUSTOMER. */
export const KEYS_PER_ORDER = 4;
const ACCOUNTS = 10;
/** Distinct unmapped SKUs: each is missing on a few orders, as in a real backlog. */
const UNMAPPED_SKUS = 40_000;
const LOCATIONS = 300;
/** Unmapped SKUs mapped "while no worker ran". */
const STALE_SKUS = 5;

export async function seed(db: pg.Client, size: SeedSize): Promise<Seeded> {
  const orders = Math.ceil(size.keys / KEYS_PER_ORDER);
  const account = (n: string) => `'shop-' || (${n} % ${ACCOUNTS}) || '.myshopify.com'`;
  await db.query(
    `INSERT INTO inbox (id, source, account, topic, dedupe_key, body_hash, raw_body, headers, correlation_id, status)
     SELECT md5('inbox' || n)::uuid, 'SHOPIFY', ${account('n')}, 'orders/create', 'bench-' || n, 'x', '\\x7b7d'::bytea, '{}', 'bench-' || n, 'PROCESSED'
       FROM generate_series(1, $1) AS n`,
    [orders],
  );
  await db.query(
    `INSERT INTO orders (id, channel, account, external_id, order_number, status, hold_reasons, currency_code, placed_at, source_updated_at,
                         payment_status, risk_recommendation, tax_status, taxes_included, subtotal, discounts, tax, shipping, grand_total)
     SELECT md5('order' || n)::uuid, 'SHOPIFY', ${account('n')}, n::text, '#' || n, 'ON_HOLD', '{UNMAPPED}', 'USD', now(), now(),
            'PAID', 'ACCEPT', 'COMPLETE', false, 1000, 0, 0, 0, 1000
       FROM generate_series(1, $1) AS n`,
    [orders],
  );
  await db.query(
    `INSERT INTO order_source_events (order_id, inbox_id, topic, source_version, outcome, correlation_id)
     SELECT md5('order' || n)::uuid, md5('inbox' || n)::uuid, 'orders/create', now(), 'APPLIED', 'bench-' || n
       FROM generate_series(1, $1) AS n`,
    [orders],
  );
  await db.query(
    `INSERT INTO order_unmapped_keys (order_id, kind, channel, account, source_value)
     SELECT md5('order' || n)::uuid, k.kind, 'SHOPIFY', ${account('n')}, k.value
       FROM generate_series(1, $1) AS n
      CROSS JOIN LATERAL (VALUES
        ('ITEM', 'SKU-U-' || ((n * 7) % ${UNMAPPED_SKUS})),
        ('ITEM', 'SKU-U-' || ((n * 7 + 1) % ${UNMAPPED_SKUS})),
        ('LOCATION', 'LOC-' || (n % ${LOCATIONS})),
        ('CUSTOMER', 'CUST-' || n)) AS k(kind, value)`,
    [orders],
  );
  // Most mappings answer values no held order waits for; a few answer held SKUs (stale
  // holds), and every account but one unused has no default customer.
  const other = size.mappings - STALE_SKUS - 1;
  await db.query(
    `INSERT INTO mappings (id, mapping_key, kind, channel, account, source_value, target, version, valid_from, changed_by, note)
     SELECT md5('mapping' || n)::uuid, md5('key' || n)::uuid, m.kind, 'SHOPIFY', m.account, m.value, m.target::jsonb, 1,
            now() - interval '1 day', 'bench', 'bench seed'
       FROM generate_series(1, $1) AS n
      CROSS JOIN LATERAL (SELECT
        CASE WHEN n <= $2 THEN 'ITEM' WHEN n % 3 = 0 THEN 'CUSTOMER' WHEN n % 3 = 1 THEN 'ITEM' ELSE 'LOCATION' END AS kind,
        CASE WHEN n <= $2 THEN NULL WHEN n = $1 THEN 'shop-unused.myshopify.com' WHEN n % 2 = 0 THEN ${account('n')} END AS account,
        CASE WHEN n <= $2 THEN 'SKU-U-' || (n * 1000) WHEN n = $1 THEN '*' ELSE 'M-' || n END AS value) AS m0
      CROSS JOIN LATERAL (SELECT
        CASE WHEN n = $1 THEN 'CUSTOMER' ELSE m0.kind END AS kind, m0.account, m0.value,
        CASE WHEN n = $1 OR m0.kind = 'CUSTOMER' THEN '{"customerId":"C1"}'
             WHEN m0.kind = 'LOCATION' THEN '{"locationId":"L1","subsidiaryId":"1"}'
             ELSE '{"itemId":"I1"}' END AS target) AS m`,
    [other + STALE_SKUS + 1, STALE_SKUS],
  );
  await db.query('ANALYZE');
  const [{ stale }] = (await db.query(
    `SELECT count(DISTINCT order_id)::int AS stale FROM order_unmapped_keys WHERE kind = 'ITEM' AND source_value = ANY($1)`,
    [Array.from({ length: STALE_SKUS }, (_, i) => `SKU-U-${(i + 1) * 1000}`)],
  )).rows as { stale: number }[];
  return { orders, keys: orders * KEYS_PER_ORDER, mappings: size.mappings, stale };
}

/** SKUs of the import: unmapped values that a handful of held orders wait for. */
export function importSkus(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `SKU-U-${(i + 1) * 1000 + 7}`);
}
