/**
 * The order with its lines (and each line's first tax title) as one JSON value, over `orders o`,
 * for the documents built about it: one statement reads all a document needs. Amounts come as
 * text so no JSON number can round them.
 */
export const ORDER_DOCUMENT_ROW_SQL = `(SELECT to_json(r) FROM (
  SELECT o.currency_code, o.channel, o.account, o.external_id, o.customer, o.order_number, o.placed_at, o.shipping::text AS shipping,
         o.accounting_date::text AS accounting_date, o.time_zone,
         o.grand_total::text AS grand_total,
         coalesce((
           SELECT json_agg(json_build_object(
                    'id', l.id, 'external_id', l.external_id, 'sku', l.sku, 'variant_id', l.variant_id, 'title', l.title,
                    'quantity', l.quantity, 'unit_price', l.unit_price::text, 'discount_total', l.discount_total::text,
                    'tax_total', l.tax_total::text, 'location_ref', l.location_ref,
                    'tax_title', (SELECT a.title FROM order_adjustments a
                                   WHERE a.order_id = o.id AND a.line_id = l.id AND a.kind = 'TAX' ORDER BY a.id LIMIT 1))
                  ORDER BY l.position)
           FROM order_lines l WHERE l.order_id = o.id), '[]') AS lines) r)`;

/** The order as ORDER_DOCUMENT_ROW_SQL gives it. */
export type OrderDocumentRow = Record<string, unknown>;
