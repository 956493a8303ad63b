/**
 * What both ERP adapters need from a raw HTTP exchange: headers either way, Retry-After,
 * and a request that got no answer classified as RETRYABLE (nothing sent) or AMBIGUOUS
 * (a write that may have been committed).
 */
import { DeliveryError } from '../erp-adapter.port.js';

/** Headers as fetch gives them, or a plain record (tests). */
export type HeaderSource = { get(name: string): string | null } | Readonly<Record<string, string | undefined>>;

export function header(headers: HeaderSource | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | undefined>>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

/** Retry-After in delta-seconds or as an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Failures before a connection exists: nothing reached NetSuite. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT',
]);

/** The system error code under fetch's "fetch failed" (undici puts it on the cause, or on each of an AggregateError's errors). */
export function transportCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_INVALID_STATE') return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const codes = errors.map((e) => transportCode(e));
      if (codes.every((c) => c !== undefined && c === codes[0])) return codes[0];
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface TransportContext {
  /** Who was being talked to, for the message ("NetSuite", "Business Central"). */
  readonly peer: string;
  /** A write may have been committed when the answer is lost; a read never changes anything. */
  readonly write: boolean;
  /** Our own per-request timeout fired. */
  readonly timedOut: boolean;
  /** The caller's signal fired. */
  readonly cancelled: boolean;
  readonly timeoutMs: number;
}

/** A request that got no HTTP answer, as a typed DeliveryError. */
export function transportError(err: unknown, ctx: TransportContext): DeliveryError {
  const peer = ctx.peer;
  const code = transportCode(err);
  if (!ctx.timedOut && !ctx.cancelled && code !== undefined && CONNECT_CODES.has(code)) {
    return new DeliveryError('RETRYABLE', `could not connect to ${peer} (${code}); nothing was sent`, { code });
  }
  const what = ctx.timedOut
    ? `no answer from ${peer} within ${ctx.timeoutMs} ms`
    : ctx.cancelled
      ? `the request to ${peer} was cancelled`
      : `the connection to ${peer} was lost (${code ?? (err instanceof Error ? err.message : 'unknown error')})`;
  const errorCode = ctx.timedOut ? 'TIMEOUT' : ctx.cancelled ? 'ABORTED' : (code ?? 'NETWORK');
  if (!ctx.write) return new DeliveryError('RETRYABLE', what, { code: errorCode });
  return new DeliveryError('AMBIGUOUS', `${what} after the request was sent; ${peer} may have committed it`, { code: errorCode });
}
