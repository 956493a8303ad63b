/**
 * Loop's side of a webhook: the body signed with X-Loop-Signature (base64 HMAC-SHA256 with the
 * webhook secret) and POSTed to the subscription's URL. Every attempt and the hub's answer are
 * recorded; a redelivery sends the very same bytes.
 */
import { signLoopBody } from '../../src/adapters/channels/loop/loop-signature.js';

/** How deliveries are signed: right, with another secret (a forged or stale sender), or not at all. */
export type SignatureMode = 'valid' | 'wrong-secret' | 'none';

export interface LoopDelivery {
  readonly attempt: number;
  readonly at: string;
  readonly signature: SignatureMode;
  /** The hub's HTTP status; null when no answer came. */
  readonly status: number | null;
  readonly answer: unknown;
  readonly error: string | null;
}

export interface SentWebhook {
  readonly seq: number;
  readonly trigger: string;
  readonly returnId: string;
  /** The exact bytes signed and sent, every time. */
  readonly raw: string;
  readonly deliveries: LoopDelivery[];
}

export interface WebhookSettings {
  url: string | null;
  secret: string | null;
  signature: SignatureMode;
}

export async function deliver(sent: SentWebhook, settings: WebhookSettings, timeoutMs = 5000): Promise<LoopDelivery> {
  const at = new Date().toISOString();
  const record = (status: number | null, answer: unknown, error: string | null): LoopDelivery => {
    const delivery = { attempt: sent.deliveries.length + 1, at, signature: settings.signature, status, answer, error };
    sent.deliveries.push(delivery);
    return delivery;
  };
  if (!settings.url || !settings.secret) return record(null, null, 'no webhook URL or secret configured');
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'loop-sandbox' };
  if (settings.signature !== 'none') {
    headers['x-loop-signature'] = signLoopBody(sent.raw, settings.signature === 'valid' ? settings.secret : `${settings.secret}-not-it`);
  }
  try {
    const response = await fetch(settings.url, { method: 'POST', headers, body: sent.raw, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let answer: unknown = text;
    try {
      answer = JSON.parse(text);
    } catch {
      // the hub's answer is kept as text
    }
    return record(response.status, answer, null);
  } catch (err) {
    return record(null, null, err instanceof Error ? err.message : String(err));
  }
}
