import { describeLineEdit, type LineFacts } from './line-edits.js';

const line = (lineRef: string, quantity: number, unitPrice = 1000n, discount = 0n): LineFacts => ({ lineRef, quantity, unitPrice, discount });

describe('describeLineEdit', () => {
  it('names reduced, added and removed lines', () => {
    expect(describeLineEdit([line('1', 3), line('2', 1)], [line('1', 2), line('2', 0), line('3', 4)])).toBe('line 1 3 → 2; line 2 taken off; line 3 added (4)');
  });

  it('sees a line the channel dropped altogether as taken off, and a repricing', () => {
    expect(describeLineEdit([line('1', 1), line('2', 1)], [line('1', 1, 900n)])).toBe('line 1 repriced; line 2 taken off');
  });

  it('is null when no line changed, or a removed line stays removed', () => {
    expect(describeLineEdit([line('1', 2), line('2', 0)], [line('1', 2), line('2', 0)])).toBeNull();
  });
});
