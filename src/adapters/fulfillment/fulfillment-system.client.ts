/**
 * Fulfilment requests to a WMS or a store system (docs/contracts/fulfillment-systems.md):
 *
 *   wms    POST {base}/api/v1/fulfillment-requests    GET …/{requestId}    POST …/{requestId}/cancel
 *   store  POST {base}/api/v1/store-orders            GET …/{requestId}    POST …/{requestId}/cancel
 *
 * The systems are idempotent on requestId: the same body again answers 200 with the same
 * resource, so sending again after any failure is safe; another body under the same id is a
 * 409, which no retry can fix. A cancel is idempotent too (the same answer again); 404 says
 * the system never had the request, 409 that nothing was left to cancel. One call is one
 * attempt; the caller retries by DeliveryError.kind.
 * @since 0.5.0
 */
import type { FulfillmentSystemKind, RequestMethod } from '../../canonical/fulfillment.js';
import { DeliveryError } from '../../platform/delivery/delivery-error.js';
import { parseFulfillmentSystemError, SYSTEM_NAMES, systemTransportError } from './fulfillment-system.errors.js';

export interface FulfillmentSystemConnection {
  readonly kind: FulfillmentSystemKind;
  /** The system's root URL (the API path is added). */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
}

/** Where the parcel goes; the hub's address vocabulary. Null or missing fields are left out of the request. */
export interface ShipToAddress {
  readonly name?: string | null;
  readonly company?: string | null;
  readonly line1?: string | null;
  readonly line2?: string | null;
  readonly city?: string | null;
  readonly region?: string | null;
  readonly postalCode?: string | null;
  readonly countryCode?: string | null;
  readonly phone?: string | null;
  readonly email?: string | null;
}

export interface FulfillmentSystemRequest {
  /** The hub's id of the request: the system's idempotency key. */
  readonly requestId: string;
  readonly orderRef: string;
  readonly orderNumber: string;
  readonly locationRef: string;
  readonly method: RequestMethod;
  /** Null for a pickup in store. */
  readonly shipTo: ShipToAddress | null;
  readonly lines: readonly { readonly lineRef: string; readonly sku: string; readonly quantity: number }[];
}

export interface AcceptedRequest {
  /** The system's id of the request. */
  readonly externalId: string;
  /** ACCEPTED, or further along when the request was already known (SHIPPED, READY_FOR_PICKUP …). */
  readonly status: string;
}

const PATHS: Record<FulfillmentSystemKind, string> = { wms: '/api/v1/fulfillment-requests', store: '/api/v1/store-orders' };

export class FulfillmentSystemClient {
  private readonly endpoint: string;

  constructor(private readonly connection: FulfillmentSystemConnection) {
    const base = connection.baseUrl.replace(/\/+$/, '');
    const path = PATHS[connection.kind];
    this.endpoint = base.endsWith(path) ? base : `${base}${path}`;
  }

  async sendRequest(request: FulfillmentSystemRequest, signal?: AbortSignal): Promise<AcceptedRequest> {
    const shipTo = request.shipTo && Object.fromEntries(Object.entries(request.shipTo).filter(([, v]) => v !== null && v !== undefined));
    const body = JSON.stringify({ ...request, shipTo, lines: request.lines.map((l) => ({ lineRef: l.lineRef, sku: l.sku, quantity: l.quantity })) });
    const answer = await this.send('POST', this.endpoint, body, signal);
    if (answer.status !== 200 && answer.status !== 201) throw parseFulfillmentSystemError(answer.status, answer.text, answer.headers, this.connection.kind);
    const accepted = readAccepted(answer.text);
    if (!accepted) {
      throw new DeliveryError('AMBIGUOUS', `${SYSTEM_NAMES[this.connection.kind]} accepted request ${request.requestId} but its answer could not be read`, { status: answer.status, code: 'UNREADABLE_ANSWER' });
    }
    return accepted;
  }

  /** The request as the system holds it, or null when it never arrived. */
  async findRequest(requestId: string, signal?: AbortSignal): Promise<AcceptedRequest | null> {
    const answer = await this.send('GET', `${this.endpoint}/${encodeURIComponent(requestId)}`, undefined, signal);
    if (answer.status === 404) return null;
    if (answer.status !== 200) throw parseFulfillmentSystemError(answer.status, answer.text, answer.headers, this.connection.kind);
    const found = readAccepted(answer.text);
    if (!found) throw new DeliveryError('RETRYABLE', `${SYSTEM_NAMES[this.connection.kind]} answered the look-up of ${requestId} in an unreadable form`, { status: 200, code: 'UNREADABLE_ANSWER' });
    return found;
  }

  /** Stops what is left of a request; null when the system never had it (404). A 409 NOT_CANCELLABLE (all sent) is PERMANENT. */
  async cancelRequest(requestId: string, signal?: AbortSignal): Promise<AcceptedRequest | null> {
    const answer = await this.send('POST', `${this.endpoint}/${encodeURIComponent(requestId)}/cancel`, undefined, signal);
    if (answer.status === 404) return null;
    if (answer.status !== 200) throw parseFulfillmentSystemError(answer.status, answer.text, answer.headers, this.connection.kind);
    const cancelled = readAccepted(answer.text);
    if (!cancelled) {
      throw new DeliveryError('AMBIGUOUS', `${SYSTEM_NAMES[this.connection.kind]} took the cancel of ${requestId} but its answer could not be read`, { status: 200, code: 'UNREADABLE_ANSWER' });
    }
    return cancelled;
  }

  private async send(method: 'GET' | 'POST', url: string, body: string | undefined, signal: AbortSignal | undefined): Promise<{ status: number; headers: Headers; text: string | undefined }> {
    const kind = this.connection.kind;
    if (signal?.aborted) throw new DeliveryError('RETRYABLE', `the request to ${SYSTEM_NAMES[kind]} was cancelled before it was sent`, { code: 'ABORTED' });
    const timeout = AbortSignal.timeout(this.connection.timeoutMs);
    const headers: Record<string, string> = { authorization: `Bearer ${this.connection.apiKey}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const failure = (err: unknown): DeliveryError =>
      systemTransportError(err, kind, { write: method === 'POST', timedOut: timeout.aborted, cancelled: signal?.aborted ?? false, timeoutMs: this.connection.timeoutMs });
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal: signal ? AbortSignal.any([timeout, signal]) : timeout, redirect: 'manual' });
    } catch (err) {
      throw failure(err);
    }
    try {
      return { status: response.status, headers: response.headers, text: await response.text() };
    } catch (err) {
      if (method === 'POST' && response.ok) throw failure(err);
      return { status: response.status, headers: response.headers, text: undefined };
    }
  }
}

function readAccepted(text: string | undefined): AcceptedRequest | undefined {
  try {
    const value = JSON.parse(text ?? '') as { id?: unknown; status?: unknown } | null;
    return value && typeof value.id === 'string' && value.id !== '' && typeof value.status === 'string' ? { externalId: value.id, status: value.status } : undefined;
  } catch {
    return undefined;
  }
}
