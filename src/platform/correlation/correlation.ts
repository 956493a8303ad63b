import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The correlation id follows one event from the webhook through the queue to the order's
 * history. It lives in AsyncLocalStorage so logs pick it up without threading it by hand.
 */
const storage = new AsyncLocalStorage<{ correlationId: string }>();

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's id when it is sane; otherwise makes one (ids end up in logs and SQL). */
export function acceptCorrelationId(header: unknown): string {
  return typeof header === 'string' && VALID.test(header) ? header : randomUUID();
}

export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  return storage.run({ correlationId }, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** For hooks that cannot wrap the rest of the request in a callback. */
export function enterCorrelationId(correlationId: string): void {
  storage.enterWith({ correlationId });
}
