import { findPans, luhnValid, maskCardNumbers, maskCardNumbersInBytes, mayContainPan } from './card-numbers.js';

describe('maskCardNumbers', () => {
  it('masks Luhn-valid card numbers, plain or grouped', () => {
    const result = maskCardNumbers('{"cc": "4111111111111111", "other": "4111 1111 1111 1111", bad json');
    expect(result.masked).toBe(2);
    expect(result.text).not.toMatch(/4111/);
  });

  it('leaves order ids and other long numbers that fail Luhn alone', () => {
    expect(luhnValid('6012345678901234567')).toBe(false);
    const text = '{"id": 6012345678901234567, "total": "214.98"';
    expect(maskCardNumbers(text)).toEqual({ text, masked: 0 });
  });
});

describe('findPans', () => {
  it('finds a card beside another number and in groups of any split, never inside a longer unbroken run', () => {
    const text = 'qty 2 4111 1111 1111 1111 and 5555-5555-5555-4444, ref 41111111111111110000';
    const masked = maskCardNumbers(text);
    expect(masked.text).toBe('qty 2 **** **** **** **** and ****-****-****-****, ref 41111111111111110000');
    expect(masked.masked).toBe(2);
  });

  it('leaves a 16-digit number that fails Luhn, and short runs, alone', () => {
    expect(findPans('4111111111111112 and 411111111111')).toEqual([]);
    expect(mayContainPan('order 1001, total 214.98')).toBe(false);
  });
});

describe('maskCardNumbersInBytes', () => {
  it('masks in place in ASCII and in UTF-16 of either byte order, keeping the length', () => {
    for (const bytes of [
      Buffer.from('x 4111111111111111 y', 'latin1'),
      Buffer.from('x 4111111111111111 y', 'utf16le'),
      Buffer.from('x 4111111111111111 y', 'utf16le').swap16(),
    ]) {
      const result = maskCardNumbersInBytes(bytes);
      expect(result.masked).toBe(1);
      expect(result.bytes.length).toBe(bytes.length);
      const text = result.bytes.includes(0) ? result.bytes.toString('latin1').replace(/\0/g, '') : result.bytes.toString('latin1');
      expect(text).toBe('x **************** y');
    }
  });

  it('returns the same bytes when there is nothing to mask', () => {
    const bytes = Buffer.from('not json 4111111111111112');
    expect(maskCardNumbersInBytes(bytes)).toEqual({ bytes, masked: 0 });
  });
});
