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
