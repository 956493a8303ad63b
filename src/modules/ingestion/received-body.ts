import { containsCardData, redactCardDataInJson } from '../../platform/security/card-data.js';
import { maskCardNumbersInBytes } from '../../platform/security/card-numbers.js';

/** An authentic body as it will be stored: card data gone, and why it is unusable if it is. */
export interface ReceivedBody {
  /** The natively parsed body (big ids may be rounded: for shape checks only); undefined if not JSON. */
  readonly parsed: unknown;
  /** A fixed text that never quotes the body; null when the body is JSON. */
  readonly jsonError: string | null;
  readonly stored: Buffer;
  readonly redacted: string[];
}

/**
 * Parses once natively and pays for the redacting copy only when the walk over the parsed
 * body finds card data, so an ordinary order costs one parse and one walk that copies nothing.
 */
export function receiveBody(raw: Buffer): ReceivedBody {
  const text = raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const masked = maskCardNumbersInBytes(raw);
    return {
      parsed: undefined,
      jsonError: describeJsonError(raw, error),
      stored: masked.bytes,
      redacted: masked.masked > 0 ? [`(unparsed body): ${masked.masked} card number(s) masked`] : [],
    };
  }
  if (!containsCardData(parsed)) return { parsed, jsonError: null, stored: raw, redacted: [] };
  const redacted = redactCardDataInJson(text);
  return { parsed, jsonError: null, stored: Buffer.from(redacted.text, 'utf8'), redacted: redacted.removed };
}

/**
 * Why the bytes are not JSON, in words that never include the bytes: JSON.parse's own
 * message quotes the body, which can hold card numbers or NULs.
 */
export function describeJsonError(raw: Buffer, error: unknown): string {
  if (raw.length === 0) return 'the body is empty';
  if (raw[0] === 0x1f && raw[1] === 0x8b) return 'the body is gzip-compressed; send it as uncompressed UTF-8 JSON';
  if (looksUtf16(raw)) {
    return 'the body looks UTF-16; send it as UTF-8 JSON';
  }
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) return 'the body starts with a byte-order mark; send UTF-8 JSON without one';
  const nul = raw.indexOf(0);
  if (nul >= 0) return `the body holds a NUL byte (byte ${nul})`;
  const message = error instanceof Error ? error.message : '';
  if (/Unexpected end of JSON input/.test(message)) return 'the body is not valid JSON (it ends early)';
  const position = /at position (\d+)/.exec(message)?.[1];
  return position === undefined ? 'the body is not valid JSON' : `the body is not valid JSON (position ${position})`;
}

/** A UTF-16 byte-order mark, or ASCII text with a NUL beside every character. */
function looksUtf16(raw: Buffer): boolean {
  if ((raw[0] === 0xff && raw[1] === 0xfe) || (raw[0] === 0xfe && raw[1] === 0xff)) return true;
  return raw.length >= 4 && ((raw[1] === 0 && raw[3] === 0) || (raw[0] === 0 && raw[2] === 0));
}
