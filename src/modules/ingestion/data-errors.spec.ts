import { failedOnData, refusedData } from './data-errors.js';

describe('refusedData: which database errors are the row data, not a passing fault', () => {
  it('names data exceptions, NOT NULL and CHECK violations and program limits, without the detail', () => {
    const check = Object.assign(new Error('new row violates check constraint "order_lines_quantity_check"'), {
      driverError: { code: '23514', message: 'new row violates check constraint "order_lines_quantity_check"', table: 'order_lines', constraint: 'order_lines_quantity_check', detail: 'Failing row contains (jane@example.com)' },
    });
    expect(refusedData(check)).toBe('the database refused this delivery\'s data (SQLSTATE 23514, table order_lines, constraint order_lines_quantity_check): new row violates check constraint "order_lines_quantity_check"');
    expect(refusedData({ code: '22003', message: 'value "2147483648" is out of range for type integer' })).toMatch(/^the database refused .*SQLSTATE 22003/);
    expect(refusedData({ code: '54000', message: 'index row size exceeds maximum' })).toMatch(/SQLSTATE 54000/);
    expect(refusedData(check)).not.toContain('jane@example.com');
  });

  it('leaves transient faults and races to the queue retry', () => {
    for (const code of ['40001', '40P01', '23505', '23503', '57P01', '08006']) expect(refusedData({ code, message: 'x' })).toBeNull();
    expect(refusedData(new Error('connect ECONNREFUSED'))).toBeNull();
    expect(refusedData(null)).toBeNull();
  });
});

describe('failedOnData', () => {
  it('takes a RangeError or TypeError of our own code for a fault of the row', () => {
    expect(failedOnData(new RangeError('id 1.005 is not a safe integer; it must be read as a string'))).toBe(
      'the delivery could not be applied: id 1.005 is not a safe integer; it must be read as a string',
    );
    expect(failedOnData(new TypeError("Cannot read properties of null (reading 'x')"))).toMatch(/^the delivery could not be applied/);
  });

  it('leaves connection faults and plain errors to the queue', () => {
    expect(failedOnData(Object.assign(new TypeError('socket hang up'), { code: 'ECONNRESET' }))).toBeNull();
    expect(failedOnData(new Error('Connection terminated unexpectedly'))).toBeNull();
  });
});
