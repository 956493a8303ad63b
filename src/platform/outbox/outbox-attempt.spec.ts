import { currentCorrelationId } from '../correlation/correlation.js';
import { DeliveryError } from '../delivery/delivery-error.js';
import { attemptDelivery, type FailureDetail, type OutboxClaim, type OutboxTransport } from './outbox-attempt.js';
import { MAX_RETRYABLE_ATTEMPTS } from './retry-policy.js';

/** An in-memory outbox row: what the outcome statements would have written. */
function row(claim: OutboxClaim, send: () => Promise<string>, retryDelay?: number) {
  const written: { status?: string; ref?: string; delayMs?: number; lookupFirst?: boolean; error?: FailureDetail; failedFirst?: boolean; correlation?: string } = {};
  const transport: OutboxTransport<OutboxClaim, string> = {
    engine: 'outbound',
    send: async () => {
      written.correlation = currentCorrelationId();
      return send();
    },
    delivered: async (_c, ref) => void Object.assign(written, { status: 'DONE', ref }),
    failed: async () => void (written.failedFirst = written.status === undefined),
    retry: async (_c, delayMs, lookupFirst, error) => {
      Object.assign(written, { status: 'RETRYING', delayMs, lookupFirst, error });
      return retryDelay;
    },
    dead: async (_c, error) => void Object.assign(written, { status: 'DEAD', error }),
  };
  return { transport, written };
}

const claim = (attempts: number, lookupFirst = false): OutboxClaim => ({ id: 'm-1', attempts, lookupFirst, correlationId: 'corr-1' });

describe('attemptDelivery', () => {
  it('writes the delivered outcome with the receiver reference, under the row correlation id', async () => {
    const { transport, written } = row(claim(1), async () => 'ext-9');
    expect(await attemptDelivery(transport, claim(1))).toEqual({ status: 'DELIVERED', result: 'ext-9' });
    expect(written).toEqual({ status: 'DONE', ref: 'ext-9', correlation: 'corr-1' });
  });

  it('retries an ambiguous outcome looked up first, after noting it, with the delay the owner applies', async () => {
    const { transport, written } = row(claim(2), async () => { throw new DeliveryError('AMBIGUOUS', 'timed out', { code: 'TIMEOUT' }); }, 0);
    const outcome = await attemptDelivery(transport, claim(2));
    expect(outcome).toMatchObject({ status: 'RETRYING', delayMs: 0 });
    expect(written).toMatchObject({ status: 'RETRYING', lookupFirst: true, failedFirst: true, error: { kind: 'AMBIGUOUS', code: 'TIMEOUT', message: 'timed out' } });
  });

  it('keeps looking up first while an earlier outcome is unknown, and treats an untyped failure as retryable', async () => {
    const { transport, written } = row(claim(3, true), async () => { throw new Error('socket hang up'); });
    const outcome = await attemptDelivery(transport, claim(3, true));
    expect(outcome.status).toBe('RETRYING');
    expect(written).toMatchObject({ lookupFirst: true, error: { kind: 'RETRYABLE', message: 'socket hang up' } });
    expect(written.delayMs).toBeGreaterThan(0);
  });

  it('is DEAD at once for a permanent refusal, and after the last retryable attempt', async () => {
    const refused = row(claim(1), async () => { throw new DeliveryError('PERMANENT', 'no channel fulfilment for POS'); });
    expect((await attemptDelivery(refused.transport, claim(1))).status).toBe('DEAD');
    expect(refused.written).toMatchObject({ status: 'DEAD', error: { kind: 'PERMANENT', message: 'no channel fulfilment for POS' } });
    const tired = row(claim(MAX_RETRYABLE_ATTEMPTS), async () => { throw new DeliveryError('RETRYABLE', '503'); });
    expect((await attemptDelivery(tired.transport, claim(MAX_RETRYABLE_ATTEMPTS))).status).toBe('DEAD');
  });

  it('treats a failure to write the delivered outcome as a failed attempt', async () => {
    const { transport, written } = row(claim(1), async () => 'ext-1');
    transport.delivered = async () => { throw new Error('connection reset'); };
    expect((await attemptDelivery(transport, claim(1))).status).toBe('RETRYING');
    expect(written.error).toMatchObject({ kind: 'RETRYABLE', message: 'connection reset' });
  });
});
