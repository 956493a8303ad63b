import { luhnValid, maskCardNumbers } from './card-numbers.js';

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
