import { checkShipment, fulfilmentProgress, shippedByLine } from './shipment-check.js';

const ordered = [
  { lineRef: 'a', quantity: 2 },
  { lineRef: 'b', quantity: 1 },
];
const line = (lineRef: string, quantity: number) => ({ lineRef, sku: null, quantity });

describe('shipment check', () => {
  it('accepts parcels that add up to the order, and reports progress', () => {
    const first = [line('a', 1)];
    expect(checkShipment(ordered, new Map(), first)).toEqual({ ok: true });
    const after = shippedByLine([{ lines: first }]);
    expect(fulfilmentProgress(ordered, after)).toBe('PARTIAL');
    const second = [line('a', 1), line('b', 1)];
    expect(checkShipment(ordered, after, second)).toEqual({ ok: true });
    expect(fulfilmentProgress(ordered, shippedByLine([{ lines: first }, { lines: second }]))).toBe('FULL');
  });

  it('holds a confirmation that ships more than was ordered, naming the line', () => {
    const verdict = checkShipment(ordered, new Map([['a', 2]]), [line('a', 1)]);
    expect(verdict).toEqual({ ok: false, reason: 'OVER_SHIPMENT', detail: 'line a: ordered 2, shipped 2 before, this confirms 1' });
  });

  it('sums a line named twice in one confirmation before comparing', () => {
    expect(checkShipment(ordered, new Map(), [line('b', 1), line('b', 1)])).toMatchObject({ ok: false, reason: 'OVER_SHIPMENT' });
  });

  it('holds a line the order does not have', () => {
    expect(checkShipment(ordered, new Map(), [line('zz', 1)])).toEqual({ ok: false, reason: 'UNKNOWN_LINE', detail: 'line zz is not on the order' });
  });

  it('says NONE before anything ships', () => {
    expect(fulfilmentProgress(ordered, new Map())).toBe('NONE');
  });
});
