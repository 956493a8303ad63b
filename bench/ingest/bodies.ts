/**
 * Pre-built, pre-signed orders/create deliveries. Bodies are made by text substitution on
 * the fixture (its ids are 19-digit JSON numbers that JSON.parse would round), then
 * whitespace outside strings is dropped, as Shopify sends compact JSON.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Delivery {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  /** Where it goes when not the run's webhook path (mixed mode). */
  readonly path?: string;
  /** Inbox rows and orders it should leave at the hub (default 1 each): a POS batch is one row and order per sale. */
  readonly rows?: number;
  readonly orders?: number;
}

const FIXTURE_ORDER_ID = '6012345678901234567';
const FIXTURE_ORDER_NAME = '"#10421"';

/** Removes insignificant whitespace without parsing, so every digit stays as written. */
export function minifyJsonText(text: string): string {
  let out = '';
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      out += char;
      if (char === '\\') {
        out += text[index + 1] ?? '';
        index += 1;
      } else if (char === '"') {
        inString = false;
      }
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
    } else if (char !== ' ' && char !== '\n' && char !== '\r' && char !== '\t') {
      out += char;
    }
  }
  return out;
}

export function loadTemplate(fixturePath: string): string {
  const text = minifyJsonText(readFileSync(fixturePath, 'utf8'));
  if (!text.includes(FIXTURE_ORDER_ID) || !text.includes(FIXTURE_ORDER_NAME)) {
    throw new Error(`${fixturePath} no longer holds order id ${FIXTURE_ORDER_ID} and name ${FIXTURE_ORDER_NAME}`);
  }
  return text;
}

export interface DeliveryOptions {
  readonly template: string;
  readonly secret: string;
  readonly shopDomain: string;
  /** Distinct per scenario and phase so no two deliveries share an order id or webhook id. */
  readonly firstOrderId: bigint;
  readonly count: number;
  readonly label: string;
}

export function buildDeliveries(options: DeliveryOptions): Delivery[] {
  const deliveries: Delivery[] = new Array(options.count);
  const hmac = (body: Buffer) => createHmac('sha256', options.secret).update(body).digest('base64');
  for (let index = 0; index < options.count; index++) {
    const orderId = (options.firstOrderId + BigInt(index)).toString();
    if (orderId.length !== FIXTURE_ORDER_ID.length) throw new Error(`order id ${orderId} is not 19 digits`);
    const text = options.template
      .split(FIXTURE_ORDER_ID)
      .join(orderId)
      .replace(FIXTURE_ORDER_NAME, `"#${options.label}${index}"`);
    const body = Buffer.from(text, 'utf8');
    deliveries[index] = {
      body,
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.length),
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': options.shopDomain,
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-api-version': '2025-10',
        'x-shopify-triggered-at': new Date().toISOString(),
        'x-shopify-hmac-sha256': hmac(body),
      },
    };
  }
  return deliveries;
}

// ---------------------------------------------------------------- N-line orders (--lines)

/** Stands in for an integer too long for a double while the template is edited as an object. */
const BIG_MARK = '__bench_bigint__';

/** Outside strings, every integer of 16+ digits becomes the string "__bench_bigint__<digits>". */
function protectBigIntegers(text: string): string {
  let out = '';
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      out += char;
      if (char === '\\') {
        out += text[index + 1] ?? '';
        index += 1;
      } else if (char === '"') {
        inString = false;
      }
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
      continue;
    }
    const match = /^-?\d+(?![\d.eE])/.exec(text.slice(index, index + 32));
    if (match && match[0].replace('-', '').length >= 16) {
      out += `"${BIG_MARK}${match[0]}"`;
      index += match[0].length - 1;
    } else {
      out += char;
    }
  }
  return out;
}

function restoreBigIntegers(text: string): string {
  return text.replace(new RegExp(`"${BIG_MARK}(-?\\d+)"`, 'g'), '$1');
}

type Json = Record<string, unknown>;

function cents(value: unknown, where: string): number {
  if (typeof value !== 'string' || !/^\d+\.\d{2}$/.test(value)) throw new Error(`${where}: expected a "0.00" amount, got ${String(value)}`);
  return Math.round(Number(value) * 100);
}

const money = (c: number): string => (c / 100).toFixed(2);

/** Sets `field` and, when the body has it, `field_set` (shop and presentment money). */
function setMoney(target: Json, field: string, amountCents: number): void {
  target[field] = money(amountCents);
  const set = target[`${field}_set`] as { shop_money?: Json; presentment_money?: Json } | null | undefined;
  if (set?.shop_money) set.shop_money.amount = money(amountCents);
  if (set?.presentment_money) set.presentment_money.amount = money(amountCents);
}

function setSetAmount(target: Json, field: string, amountCents: number): void {
  const set = target[field] as { shop_money?: Json; presentment_money?: Json } | null | undefined;
  if (set?.shop_money) set.shop_money.amount = money(amountCents);
  if (set?.presentment_money) set.presentment_money.amount = money(amountCents);
}

export interface LineTemplate {
  /** The compact body with `lines` line items; the order id and name are still the fixture's. */
  readonly template: string;
  /** One SKU per line, all distinct, for the ITEM mappings the bench seeds. */
  readonly skus: readonly string[];
}

/**
 * The fixture with its line items replaced by `lines` copies of its first line item, each
 * with its own id, variant, product and SKU (`BENCH-SKU-001`, …). Every copy keeps the
 * first line's price, quantity, tax lines and discount allocation, and the order's totals,
 * tax lines, discount code and weight are recomputed from the lines and the shipping so
 * that the hub's totals check (subtotal − discounts + shipping + tax) agrees and the order
 * is released once mapped.
 */
export function withLineItems(template: string, lines: number): LineTemplate {
  const order = JSON.parse(protectBigIntegers(template)) as Json;
  const items = order.line_items as Json[] | undefined;
  if (!items || items.length === 0) throw new Error('the fixture has no line_items to copy');
  const first = JSON.stringify(items[0]);
  const width = Math.max(3, String(lines).length);
  const bigId = (prefix: string, n: number): string => `${BIG_MARK}${prefix}${String(n).padStart(5, '0')}`;
  const skus: string[] = [];
  const taxByTitle = new Map<string, number>();
  const addTax = (tax: Json, where: string) => {
    const title = String(tax.title);
    taxByTitle.set(title, (taxByTitle.get(title) ?? 0) + cents(tax.price, where));
  };
  let lineItemsPrice = 0;
  let discounts = 0;
  let lineTax = 0;
  let weight = 0;
  const copies: Json[] = [];
  for (let n = 1; n <= lines; n++) {
    const line = JSON.parse(first) as Json;
    const id = bigId('16123456789012', n);
    line.id = id;
    line.admin_graphql_api_id = `gid://shopify/LineItem/${id.slice(BIG_MARK.length)}`;
    line.variant_id = bigId('47123456789012', n);
    line.product_id = bigId('80123456789012', n);
    const sku = `BENCH-SKU-${String(n).padStart(width, '0')}`;
    line.sku = sku;
    line.name = `${String(line.title)} - ${sku}`;
    skus.push(sku);
    const quantity = Number(line.quantity);
    lineItemsPrice += cents(line.price, 'line price') * quantity;
    weight += Number(line.grams ?? 0) * quantity;
    for (const allocation of (line.discount_allocations as Json[] | undefined) ?? []) discounts += cents(allocation.amount, 'discount allocation');
    for (const tax of (line.tax_lines as Json[] | undefined) ?? []) {
      lineTax += cents(tax.price, 'line tax');
      addTax(tax, 'line tax');
    }
    copies.push(line);
  }
  order.line_items = copies;

  let shipping = 0;
  let shippingTax = 0;
  for (const line of (order.shipping_lines as Json[] | undefined) ?? []) {
    if (line.is_removed === true) continue;
    shipping += cents(line.price, 'shipping price');
    for (const allocation of (line.discount_allocations as Json[] | undefined) ?? []) discounts += cents(allocation.amount, 'shipping discount');
    for (const tax of (line.tax_lines as Json[] | undefined) ?? []) {
      shippingTax += cents(tax.price, 'shipping tax');
      addTax(tax, 'shipping tax');
    }
  }
  if (order.taxes_included === true) throw new Error('--lines supports fixtures with taxes_included false only');
  const tax = lineTax + shippingTax;
  const subtotalAfterDiscounts = lineItemsPrice - discounts;
  const total = subtotalAfterDiscounts + shipping + tax;

  setMoney(order, 'total_line_items_price', lineItemsPrice);
  for (const field of ['subtotal_price', 'current_subtotal_price']) setMoney(order, field, subtotalAfterDiscounts);
  for (const field of ['total_discounts', 'current_total_discounts']) setMoney(order, field, discounts);
  for (const field of ['total_tax', 'current_total_tax']) setMoney(order, field, tax);
  for (const field of ['total_price', 'current_total_price']) setMoney(order, field, total);
  setSetAmount(order, 'total_shipping_price_set', shipping);
  order.total_weight = weight;
  const codes = order.discount_codes as Json[] | undefined;
  if (codes?.length === 1) codes[0].amount = money(discounts);
  const applications = order.discount_applications as Json[] | undefined;
  if (applications?.length === 1 && applications[0].value_type === 'fixed_amount') applications[0].value = money(discounts);
  for (const orderTax of (order.tax_lines as Json[] | undefined) ?? []) {
    setMoney(orderTax, 'price', taxByTitle.get(String(orderTax.title)) ?? 0);
  }
  return { template: restoreBigIntegers(JSON.stringify(order)), skus };
}
