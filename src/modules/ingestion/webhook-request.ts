import type { FastifyReply } from 'fastify';
import type { WebhookReceipt } from './channel-ingestion.service.js';

export { header, keptHeaders, plausibleTimestamp, type WebhookHeaders } from '../../adapters/channels/webhook-headers.js';

/**
 * The raw bytes as a Buffer of this realm. ArrayBuffer.isView rather than Buffer.isBuffer:
 * it holds across realms (Jest's vm contexts too).
 */
export function rawBytes(rawBody: unknown): Buffer {
  return rawBody && ArrayBuffer.isView(rawBody) ? Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength) : Buffer.alloc(0);
}

/** The receipt as the HTTP answer: its status on the reply, the rest as the body. */
export function answer(reply: FastifyReply, receipt: WebhookReceipt): object {
  void reply.status(receipt.httpStatus);
  const { httpStatus: _status, ...body } = receipt;
  return body;
}
