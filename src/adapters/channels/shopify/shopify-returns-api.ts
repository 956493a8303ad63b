/**
 * What the hub reads of a return from Shopify's Admin GraphQL API ({base}/graphql.json): return
 * webhooks are thin, so a return's exchange items with their prices, a reverse fulfillment
 * order's lines and a reverse delivery's lines and tracking are looked up by id. Reads only, one
 * attempt each; answers are parsed with their big ids kept.
 */
import { parseJsonPreservingBigIds } from './shopify-webhook.js';
import { SHOPIFY_ADMIN_API_VERSION } from './shopify-admin.client.js';

type Json = Record<string, unknown>;

const MONEY = 'shopMoney { amount currencyCode }';

export const RETURN_QUERY = `query HubReturn($id: ID!) { return(id: $id) { id name status order { id }
  returnLineItems(first: 100) { nodes { ... on ReturnLineItem { id quantity returnReasonDefinition { handle } fulfillmentLineItem { lineItem { id } } } } }
  exchangeLineItems(first: 100) { nodes { id quantity lineItem { id sku title variant { id } originalUnitPriceSet { ${MONEY} }
    totalDiscountSet { ${MONEY} } taxLines { title rate priceSet { ${MONEY} } } } } } } }`;

export const REVERSE_FULFILLMENT_ORDER_QUERY = `query HubReverseFulfillmentOrder($id: ID!) { reverseFulfillmentOrder(id: $id) { id order { id }
  lineItems(first: 100) { nodes { id totalQuantity fulfillmentLineItem { lineItem { id } } } } } }`;

export const REVERSE_DELIVERY_QUERY = `query HubReverseDelivery($id: ID!) { reverseDelivery(id: $id) { id
  deliverable { ... on ReverseDeliveryShippingDeliverable { tracking { number carrierName url } } }
  reverseFulfillmentOrder { id order { id } }
  reverseDeliveryLineItems(first: 100) { nodes { id quantity reverseFulfillmentOrderLineItem { fulfillmentLineItem { lineItem { id } } } } } } }`;

export class ShopifyApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'ShopifyApiError';
  }
}

export class ShopifyReturnsApi {
  private readonly url: string;

  constructor(shop: string, apiUrl: string | null, private readonly accessToken: string, private readonly timeoutMs = 10_000) {
    this.url = `${(apiUrl ?? `https://${shop}/admin/api/${SHOPIFY_ADMIN_API_VERSION}`).replace(/\/+$/, '')}/graphql.json`;
  }

  /** The object the query names (`return`, `reverseFulfillmentOrder`, `reverseDelivery`); null when Shopify has none. */
  async read(query: string, field: string, id: string, signal?: AbortSignal): Promise<Json | null> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'x-shopify-access-token': this.accessToken, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables: { id } }),
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    const text = await response.text();
    if (!response.ok) throw new ShopifyApiError(`Shopify GraphQL answered ${response.status}: ${text.slice(0, 200)}`, response.status);
    const answer = parseJsonPreservingBigIds(text) as { data?: Json; errors?: { message?: string }[] };
    if (answer.errors?.length) throw new ShopifyApiError(`Shopify GraphQL: ${answer.errors.map((e) => e.message).join('; ').slice(0, 300)}`, response.status);
    const found = answer.data?.[field];
    return found && typeof found === 'object' ? (found as Json) : null;
  }
}
