/** A tax line of a line or a shipping line, one per jurisdiction, in a stable order (title, jurisdiction, rate by byte order, whatever the database's locale; then amount). */
const TAXES_OF = (parent: string) => `coalesce((
             SELECT json_agg(json_build_object('title', a.title, 'jurisdiction', a.jurisdiction, 'rate', a.rate, 'amount', a.amount::text)
                             ORDER BY a.title COLLATE "C", a.jurisdiction COLLATE "C" NULLS FIRST, a.rate COLLATE "C" NULLS FIRST, a.amount, a.id)
             FROM order_adjustments a WHERE a.order_id = o.id AND a.${parent} AND a.kind = 'TAX'), '[]')`;

/**
 * The order with its lines, shipping lines, tax lines (every jurisdiction, in a stable order, so
 * a document built twice is the same document) and addresses as one JSON value, over `orders o`,
 * for the documents built about it: one statement reads all a document needs. Amounts come as
 * text so no JSON number can round them.
 */
export const ORDER_DOCUMENT_ROW_SQL = `(SELECT to_json(r) FROM (
  SELECT o.status, o.currency_code, o.channel, o.account, o.external_id, o.customer, o.order_number, o.placed_at, o.shipping::text AS shipping,
         o.accounting_date::text AS accounting_date, o.time_zone, o.charges, o.note, o.po_number, o.presentment_currency, o.presentment,
         o.grand_total::text AS grand_total, o.taxes_included, o.billing_address, o.shipping_address, o.counter_sale,
         coalesce((
           SELECT json_agg(json_build_object('kind', t.kind, 'gateway', t.gateway, 'captured', t.captured::text) ORDER BY t.position)
           FROM order_tenders t WHERE t.order_id = o.id), '[]') AS tenders,
         coalesce((
           SELECT json_agg(json_build_object(
                    'id', l.id, 'external_id', l.external_id, 'sku', l.sku, 'variant_id', l.variant_id, 'title', l.title,
                    'quantity', l.quantity, 'unit_price', l.unit_price::text, 'discount_total', l.discount_total::text,
                    'tax_total', l.tax_total::text, 'location_ref', l.location_ref, 'properties', l.properties, 'item_keys', l.item_keys,
                    'taxes', ${TAXES_OF('line_id = l.id')})
                  ORDER BY l.position)
           FROM order_lines l WHERE l.order_id = o.id), '[]') AS lines,
         coalesce((
           SELECT json_agg(json_build_object(
                    'title', s.title, 'code', s.code, 'price', s.price::text, 'discount_total', s.discount_total::text,
                    'tax_total', s.tax_total::text, 'taxes', ${TAXES_OF('shipping_line_id = s.id')})
                  ORDER BY s.position)
           FROM order_shipping_lines s WHERE s.order_id = o.id), '[]') AS shipping_lines) r)`;

/** The order as ORDER_DOCUMENT_ROW_SQL gives it. */
export type OrderDocumentRow = Record<string, unknown>;
