/**
 * Shopify refunds/create bodies in the REST Refund shape, built as text so the big ids stay
 * exact. Amounts are decimal strings as Shopify sends them.
 */
export interface RefundLineSpec { lineItemId: string; quantity: number; subtotal: string; tax: string; restockType?: string; locationId?: string }
export interface RefundTxSpec { id: string; amount: string; gateway?: string; status?: string }
export interface RefundSpec {
  id: string;
  orderId: string;
  returnId?: string | null;
  lines?: RefundLineSpec[];
  shipping?: string | null;
  shippingAdjustment?: boolean;
  discrepancy?: string | null;
  transactions: RefundTxSpec[];
  currency?: string;
  /** ISO instant; a fixed day in November 2026 when not given. */
  processedAt?: string;
}

const set = (amount: string, currency: string) =>
  `{"shop_money":{"amount":"${amount}","currency_code":"${currency}"},"presentment_money":{"amount":"${amount}","currency_code":"${currency}"}}`;

export function refundBody(spec: RefundSpec): string {
  const currency = spec.currency ?? 'USD';
  const lines = (spec.lines ?? []).map((l, i) => `{"id":${spec.id}${i},"quantity":${l.quantity},"line_item_id":${l.lineItemId},"location_id":${l.locationId ?? 'null'},
    "restock_type":"${l.restockType ?? 'return'}","subtotal":${l.subtotal},"total_tax":${l.tax},
    "subtotal_set":${set(l.subtotal, currency)},"total_tax_set":${set(l.tax, currency)}}`);
  const shipping = spec.shipping ? [`{"id":${spec.id}7,"shipping_line_id":1,"subtotal_amount_set":${set(spec.shipping, currency)}}`] : [];
  const adjustments: string[] = [];
  if (spec.shipping && spec.shippingAdjustment !== false) {
    adjustments.push(`{"id":${spec.id}8,"order_id":${spec.orderId},"refund_id":${spec.id},"kind":"shipping_refund","reason":"Shipping refund","amount":"-${spec.shipping}","amount_set":${set(`-${spec.shipping}`, currency)},"tax_amount_set":${set('0.00', currency)}}`);
  }
  if (spec.discrepancy) {
    adjustments.push(`{"id":${spec.id}9,"order_id":${spec.orderId},"refund_id":${spec.id},"kind":"refund_discrepancy","reason":"Refund discrepancy","amount":"-${spec.discrepancy}","amount_set":${set(`-${spec.discrepancy}`, currency)},"tax_amount_set":${set('0.00', currency)}}`);
  }
  const transactions = spec.transactions.map((t) => `{"id":${t.id},"order_id":${spec.orderId},"kind":"refund","gateway":"${t.gateway ?? 'shopify_payments'}","status":"${t.status ?? 'success'}",
    "amount":"${t.amount}","currency":"${currency}","processed_at":"2026-11-20T10:15:02-05:00"}`);
  return `{"id":${spec.id},"order_id":${spec.orderId},"created_at":"2026-11-20T10:15:00-05:00","processed_at":"${spec.processedAt ?? '2026-11-20T10:15:02-05:00'}","note":null,
    "return":${spec.returnId ? `{"id":${spec.returnId}}` : 'null'},"duties":[],"total_duties_set":${set('0.00', currency)},
    "refund_line_items":[${lines.join(',')}],"refund_shipping_lines":[${shipping.join(',')}],"order_adjustments":[${adjustments.join(',')}],
    "transactions":[${transactions.join(',')}]}`;
}

/** An exchange item: the order line Shopify made for it, with its price, discount and tax (shop money). */
export interface ExchangeSpec { id: string; lineItemId: string; sku: string; variantId: string; title: string; quantity: number; price: string; discount?: string; tax?: { title: string; rate: string; amount: string } }

function exchangeItem(e: ExchangeSpec, currency: string): string {
  const discount = e.discount ? `[{"amount":"${e.discount}","amount_set":${set(e.discount, currency)},"discount_application_index":0}]` : '[]';
  const tax = e.tax ? `[{"title":"${e.tax.title}","rate":${e.tax.rate},"price":"${e.tax.amount}","price_set":${set(e.tax.amount, currency)}}]` : '[]';
  return `{"id":${e.id},"admin_graphql_api_id":"gid://shopify/ExchangeLineItem/${e.id}","quantity":${e.quantity},
    "line_item":{"id":${e.lineItemId},"variant_id":${e.variantId},"sku":"${e.sku}","title":"${e.title}","quantity":${e.quantity},"price":"${e.price}",
      "price_set":${set(e.price, currency)},"discount_allocations":${discount},"tax_lines":${tax}}}`;
}

/** A returns/* webhook body: thin, as Shopify sends it (lines with quantities and reasons, no prices; exchange items with their order line). */
export function returnBody(spec: { id: string; orderId: string; status: string; lines: { id: string; lineItemId: string; quantity: number; reason?: string }[]; exchange?: ExchangeSpec[] }): string {
  const lines = spec.lines.map((l) => `{"id":${l.id},"admin_graphql_api_id":"gid://shopify/ReturnLineItem/${l.id}","quantity":${l.quantity},
    "return_reason":"${l.reason ?? 'unknown'}","return_reason_note":"","customer_note":null,
    "fulfillment_line_item":{"id":${l.id}1,"line_item":{"id":${l.lineItemId},"admin_graphql_api_id":"gid://shopify/LineItem/${l.lineItemId}"}}}`);
  return `{"id":${spec.id},"admin_graphql_api_id":"gid://shopify/Return/${spec.id}","status":"${spec.status}","name":"#10421-R1",
    "order":{"id":${spec.orderId},"admin_graphql_api_id":"gid://shopify/Order/${spec.orderId}"},
    "total_return_line_items":${spec.lines.length},"return_line_items":[${lines.join(',')}],
    "exchange_line_items":[${(spec.exchange ?? []).map((e) => exchangeItem(e, 'USD')).join(',')}],"total_exchange_line_items":${(spec.exchange ?? []).length},"return_shipping_fees":[]}`;
}
