import type { CanonicalRefund, RefundComponent, RefundTransaction } from '../../../canonical/return.js';
import { refundReadiness, refundTotal } from './refund-money.js';

const usd = (amount: bigint) => ({ amount, currency: 'USD' });
const part = (kind: RefundComponent['kind'], amount: bigint): RefundComponent => ({ kind, amount: usd(amount), lineRef: null, quantity: 0, restockType: null, locationRef: null });
const tx = (id: string, amount: bigint, status: RefundTransaction['status'] = 'SUCCESS'): RefundTransaction => ({ externalId: id, tender: 'ORIGINAL_PAYMENT', gateway: 'shopify_payments', status, amount: usd(amount) });
const refund = (components: RefundComponent[], transactions: RefundTransaction[]): CanonicalRefund => ({ externalId: 'r1', processedAt: '2026-11-20T15:15:02.000Z', note: null, components, transactions });

describe('refundReadiness', () => {
  const parts = [part('LINE_SUBTOTAL', 8099n), part('LINE_TAX', 668n), part('SHIPPING', 750n)];

  it('is ready when every transaction succeeded and the parts equal the money paid back', () => {
    expect(refundReadiness(refund(parts, [tx('t1', 9517n)]), 'USD', usd(20000n))).toEqual({ state: 'READY', total: usd(9517n) });
  });

  it('waits while a transaction is pending, and a failure posts nothing', () => {
    expect(refundReadiness(refund(parts, [tx('t1', 9517n, 'PENDING')]), 'USD', usd(20000n))).toMatchObject({ state: 'WAITING', reason: 'TRANSACTION_PENDING' });
    expect(refundReadiness(refund(parts, [tx('t1', 9517n, 'FAILURE')]), 'USD', usd(20000n))).toMatchObject({ state: 'FAILED', reason: 'TRANSACTION_FAILED' });
  });

  it('holds a refund beyond what is left of the capture, to the minor unit', () => {
    expect(refundReadiness(refund(parts, [tx('t1', 9517n)]), 'USD', usd(9517n)).state).toBe('READY');
    const over = refundReadiness(refund(parts, [tx('t1', 9517n)]), 'USD', usd(9516n));
    expect(over).toMatchObject({ state: 'HELD', reason: 'REFUND_EXCEEDS_CAPTURE' });
  });

  it('holds parts that do not add up to the transactions, naming both figures', () => {
    const held = refundReadiness(refund(parts, [tx('t1', 9518n)]), 'USD', usd(20000n));
    expect(held).toMatchObject({ state: 'HELD', reason: 'REFUND_COMPONENTS_MISMATCH' });
    expect((held as { detail: string }).detail).toContain('9517');
    expect((held as { detail: string }).detail).toContain('9518');
  });

  it('counts a restocking fee against the refund', () => {
    expect(refundTotal(refund([...parts, part('RESTOCKING_FEE', -500n)], []), 'USD')).toEqual(usd(9017n));
  });
});
