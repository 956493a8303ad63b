import { DeliveryError } from '../erp-adapter.port.js';
import { findLine, requireLine, wholeQuantity, type ErpOrderLine } from './line-match.js';

function thrown(fn: () => unknown): DeliveryError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected a DeliveryError');
}

const line = (key: string, item: string | undefined, position?: number, lineRef?: string): ErpOrderLine => ({
  key, item, ...(position !== undefined && { position }), ...(lineRef !== undefined && { lineRef }),
});

describe('matching the hub’s lines to the ERP’s', () => {
  const plain = [line('1', '501', 0), line('2', '77'), line('3', '502', 1), line('4', '501', 2)];

  it('uses the lineRef the ERP keeps before anything else, skipping lines that are not the hub’s own', () => {
    const withRefs = [line('1', '501', 0, 'A'), line('2', '77', undefined, 'A'), line('3', '501', 1, 'B')];
    expect(findLine(withRefs, { lineRef: 'B', itemId: '501', lineIndex: 0 }, 'lines[0]', 'ERP')?.key).toBe('3');
    expect(findLine(withRefs, { lineRef: 'Z', itemId: '501' }, 'lines[0]', 'ERP')).toBeUndefined();
    expect(thrown(() => findLine(withRefs, { lineRef: 'B', itemId: '999' }, 'lines[0]', 'ERP')).details.code).toBe('LINE_MISMATCH');
  });

  it('then the position, checked against the item', () => {
    expect(findLine(plain, { lineRef: 'x', itemId: '501', lineIndex: 2 }, 'lines[0]', 'ERP')?.key).toBe('4');
    expect(findLine(plain, { lineRef: 'x', lineIndex: 1 }, 'lines[0]', 'ERP')?.key).toBe('3');
    const wrong = thrown(() => findLine(plain, { lineRef: 'x', itemId: '502', lineIndex: 2 }, 'lines[3]', 'ERP'));
    expect([wrong.kind, wrong.details.code, wrong.details.field]).toEqual(['PERMANENT', 'LINE_MISMATCH', 'lines[3]']);
    expect(findLine(plain, { lineRef: 'x', lineIndex: 7 }, 'lines[0]', 'ERP')).toBeUndefined();
  });

  it('then an item on exactly one of the hub’s lines (case aside); two are refused, never guessed', () => {
    expect(findLine(plain, { lineRef: 'x', itemId: '502' }, 'lines[0]', 'ERP')?.key).toBe('3');
    expect(findLine([line('1', 'ab-1', 0)], { lineRef: 'x', itemId: 'AB-1' }, 'lines[0]', 'ERP')?.key).toBe('1');
    expect(findLine(plain, { lineRef: 'x', itemId: '77' }, 'lines[0]', 'ERP')).toBeUndefined();
    expect(thrown(() => findLine(plain, { lineRef: 'x', itemId: '501' }, 'lines[0]', 'ERP')).details.code).toBe('AMBIGUOUS_LINE');
    expect(thrown(() => findLine(plain, { lineRef: 'x' }, 'lines[0]', 'ERP')).details.code).toBe('UNMATCHABLE_LINE');
  });

  it('requireLine makes a missing line PERMANENT; quantities are whole units at least the minimum', () => {
    const missing = thrown(() => requireLine(plain, { lineRef: 'L9', itemId: '999' }, 'lines[1]', 'NetSuite'));
    expect([missing.kind, missing.details.code, missing.message]).toEqual(['PERMANENT', 'LINE_NOT_FOUND', 'line L9 (item 999) is not on the NetSuite sales order']);
    expect(wholeQuantity(0, 0, 'q', 'L1')).toBe(0);
    for (const bad of [0.5, -1, Number.NaN]) expect(thrown(() => wholeQuantity(bad, 0, 'q', 'L1')).details.code).toBe('INVALID_QUANTITY');
    expect(thrown(() => wholeQuantity(0, 1, 'q', 'L1')).details.code).toBe('INVALID_QUANTITY');
  });
});
