import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelAdapter, ChannelBatchItem, ChannelRefusal, DeliveryDescription } from '../channel-port.js';
import { header, keptHeaders, PATH_ACCOUNT } from '../webhook-headers.js';
import { DAY_CLOSE, isDayClose, understandDayClose } from './pos-day-close.js';
import { posFileBatches } from './pos-drop-file.js';
import { tillOf } from './pos-till.js';
import { POS_TRANSACTION_TYPES, understandPosTransaction, type PosEnvelope } from './pos-transaction.js';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const KEPT_HEADERS = ['x-pos-store-id', 'x-pos-batch-id', 'content-type', 'content-length', 'user-agent', 'x-correlation-id'];
const MAX_TRANSACTIONS = 5000;
const MAX_LISTED_ERRORS = 10;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
/** JSON with keys in order, so one transaction reads the same from a batch and from a file. */
const sortedJson = (v: unknown): string => Array.isArray(v) ? `[${v.map(sortedJson).join(',')}]`
  : isObject(v) ? `{${Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => `${JSON.stringify(k)}:${sortedJson(v[k])}`).join(',')}}` : JSON.stringify(v) ?? 'null';
const refusal = (status: 400 | 401, code: string, message: string, field: string): ChannelRefusal => ({ status, code, message, field });

export function signPosBody(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

function verify(rawBody: Buffer, value: string, secret: string): boolean {
  const match = SIGNATURE.exec(value.trim());
  if (!match || rawBody.length === 0 || secret.length === 0) return false;
  return timingSafeEqual(Buffer.from(match[1], 'hex'), createHmac('sha256', secret).update(rawBody).digest());
}

const TOPIC_TYPES: readonly string[] = [...POS_TRANSACTION_TYPES, DAY_CLOSE];
const topicOf = (type: unknown): string => `pos.${typeof type === 'string' && TOPIC_TYPES.includes(type) ? type.toLowerCase() : 'unknown'}`;
const CODE = 'POS';

/** A transaction of the batch as the hub reads it: a day close, or a till transaction. */
function meaningOf(envelope: PosEnvelope): { ok: true } | { ok: false; errors: { field: string; reason: string }[] } {
  return isDayClose(envelope.transaction) ? understandDayClose(CODE, envelope) : understandPosTransaction(envelope);
}

/**
 * Store systems (POS): batches of transactions, signed per store system with the store's
 * secret (X-Pos-Signature: sha256=<hex> over the raw body), at POST /webhooks/pos/{storeId}/batches
 * (docs/contracts/store-pos.md). Each transaction is an inbox row of its own, deduplicated on
 * its id, so a batch sent again adds nothing and a bad transaction is kept, with its reason,
 * while the rest of the batch goes through.
 */
export const posChannel: ChannelAdapter = {
  code: CODE,
  label: 'Store POS',
  slug: 'pos',
  summary: 'Store POS: batches at POST /webhooks/pos/{storeId}/batches, X-Pos-Signature (sha256=<hex>) over the raw body with the store\'s secret; ' +
    'one inbox row per transaction, deduplicated on its id (docs/contracts/store-pos.md).',
  normaliseAccount: (raw) => raw.trim(),
  defaultSecret: () => null,
  accountOf(headers) {
    // The store is named by the sender's header or by the batch URL (which the hub passes on as PATH_ACCOUNT).
    const store = header(headers, 'x-pos-store-id') ?? header(headers, PATH_ACCOUNT);
    return store === undefined || store.trim() === '' ? null : store.trim();
  },
  async authenticate(headers, rawBody, secrets) {
    const signature = header(headers, 'x-pos-signature');
    if (!signature) return refusal(401, 'SIGNATURE_MISSING', 'X-Pos-Signature is required', 'X-Pos-Signature');
    const store = this.accountOf(headers);
    if (!store) return refusal(401, 'ACCOUNT_MISSING', 'the store id is required: it names the secret', 'storeId');
    const candidates = await secrets(store);
    if (candidates.length === 0) return refusal(401, 'SECRET_NOT_CONFIGURED', 'no secret is configured for this store, or it is disabled', 'storeId');
    if (!candidates.some((secret) => verify(rawBody, signature, secret))) return refusal(401, 'SIGNATURE_INVALID', 'the signature does not match the body for this store', 'X-Pos-Signature');
    return null;
  },
  describe(headers, _parsed, bodyHash): DeliveryDescription {
    // A single transaction posted outside a batch is not part of the contract.
    return { topic: 'unbatched', dedupeKey: `sha256:${bodyHash}`, eventId: null, status: 'REJECTED', error: 'POS transactions come in batches: POST /webhooks/pos/{storeId}/batches', headers: keptHeaders(headers, KEPT_HEADERS), triggeredAt: null };
  },
  reusedKey: { status: 409, code: 'TRANSACTION_ID_REUSED', message: 'this transaction id was sent before with different content', field: 'transactions[].id' },
  batches: {
    split(parsed, store) {
      if (!isObject(parsed)) return { ok: false, refusal: refusal(400, 'VALIDATION_FAILED', 'the batch must be a JSON object', 'body') };
      const batchId = typeof parsed.batchId === 'string' && parsed.batchId.trim() !== '' && parsed.batchId.length <= 128 ? parsed.batchId : null;
      if (!batchId) return { ok: false, refusal: refusal(400, 'VALIDATION_FAILED', 'batchId must be a text of 1 to 128 characters', 'batchId') };
      if (parsed.storeId !== undefined && parsed.storeId !== store) return { ok: false, refusal: refusal(400, 'STORE_MISMATCH', `the batch names store ${String(parsed.storeId).slice(0, 64)}, the URL ${store}`, 'storeId') };
      const transactions = parsed.transactions;
      if (!Array.isArray(transactions) || transactions.length === 0 || transactions.length > MAX_TRANSACTIONS) {
        return { ok: false, refusal: refusal(400, 'VALIDATION_FAILED', `transactions must be a list of 1 to ${MAX_TRANSACTIONS}`, 'transactions') };
      }
      const items: ChannelBatchItem[] = transactions.map((transaction, index) => {
        const id = isObject(transaction) && typeof transaction.id === 'string' && transaction.id.trim() !== '' ? transaction.id.slice(0, 128) : null;
        const envelope: PosEnvelope = {
          batchId, storeId: store, register: typeof parsed.register === 'string' ? parsed.register : null,
          currency: typeof parsed.currency === 'string' ? parsed.currency : '', transaction: isObject(transaction) ? transaction : { value: transaction },
        };
        const meaning = meaningOf(envelope);
        const error = meaning.ok ? null : meaning.errors.slice(0, MAX_LISTED_ERRORS).map((e) => `${e.field}: ${e.reason}`).join('; ');
        return {
          // A transaction without an id is kept under its batch position, so it too is never taken twice.
          ref: id ?? `${batchId}#${index}`, topic: topicOf(isObject(transaction) ? transaction.type : undefined),
          dedupeKey: id ? `txn:${id}` : `batch:${batchId}#${index}`, eventId: id,
          body: Buffer.from(JSON.stringify(envelope)),
          // The transaction is the same whichever batch or file brought it.
          identity: Buffer.from(sortedJson({ storeId: envelope.storeId, register: envelope.register, currency: envelope.currency, transaction: envelope.transaction })),
          status: error === null ? 'PENDING' : 'REJECTED', error,
        };
      });
      return { ok: true, batchId, items };
    },
    fromFile: (file, store) => posFileBatches(file, store),
  },
  understand(delivery, body) {
    const invalid = (errors: { field: string; reason: string }[]) => ({ ok: false as const, reason: `invalid transaction: ${errors.slice(0, MAX_LISTED_ERRORS).map((e) => `${e.field}: ${e.reason}`).join('; ')}` });
    const envelope = body as PosEnvelope;
    if (isObject(body) && isDayClose(body.transaction)) {
      const close = understandDayClose(CODE, envelope);
      return close.ok ? { ok: true, type: 'dayClose', close: close.close } : invalid(close.errors);
    }
    const meaning = understandPosTransaction(body);
    if (!meaning.ok) return invalid(meaning.errors);
    const till = tillOf(CODE, envelope);
    if (meaning.type === 'kept') return till ? { ok: true, type: 'till', transaction: till, reason: meaning.note } : { ok: true, type: 'nothing', reason: meaning.note };
    if (meaning.type === 'return') return { ok: true, type: 'returns', events: meaning.events, till: till ?? undefined };
    return {
      ok: true, type: 'order', till: till ?? undefined,
      value: { order: meaning.order, kind: 'PLACED', lineage: { inboxId: delivery.id, topic: delivery.topic, correlationId: delivery.correlationId } },
    };
  },
};
