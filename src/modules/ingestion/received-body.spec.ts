import { gzipSync } from 'node:zlib';
import { describeJsonError, receiveBody } from './received-body.js';

const PAN = '4111111111111111';

describe('receiveBody', () => {
  it('stores an ordinary body as the very same bytes', () => {
    const raw = Buffer.from('{"id": 6012345678901234567, "note": "ring twice", "total": "214.98"}');
    const body = receiveBody(raw);
    expect(body.stored).toBe(raw);
    expect(body).toMatchObject({ jsonError: null, redacted: [] });
  });

  it('masks a PAN in a body that is not JSON and never quotes the body in the error', () => {
    const body = receiveBody(Buffer.from(`x ${PAN}`));
    expect(body.jsonError).toBe('the body is not valid JSON');
    expect(body.stored.toString()).toBe('x ****************');
    expect(body.redacted).toEqual(['(unparsed body): 1 card number(s) masked']);
  });

  it('redacts a JSON body holding card data and lists what went', () => {
    const body = receiveBody(Buffer.from(`{"id": 1, "note": "${PAN}", "card": {"cvv": "123"}}`));
    expect(body.stored.toString()).toBe('{"id":1,"note":"****************","card":{}}');
    expect(body.redacted).toEqual(['note (card number masked)', 'card.cvv']);
  });
});

describe('describeJsonError', () => {
  const reason = (raw: Buffer) => {
    try {
      JSON.parse(raw.toString('utf8'));
    } catch (error) {
      return describeJsonError(raw, error);
    }
    throw new Error('parsed');
  };

  it('names the problem in fixed words', () => {
    expect(reason(Buffer.alloc(0))).toBe('the body is empty');
    expect(reason(gzipSync('{"a":1}'))).toBe('the body is gzip-compressed; send it as uncompressed UTF-8 JSON');
    expect(reason(Buffer.from('{"a":1}', 'utf16le'))).toBe('the body looks UTF-16; send it as UTF-8 JSON');
    expect(reason(Buffer.from('{"a":1}', 'utf16le').swap16())).toBe('the body looks UTF-16; send it as UTF-8 JSON');
    expect(reason(Buffer.from('\u0000x'))).toBe('the body holds a NUL byte (byte 0)');
    expect(reason(Buffer.from('\ufeff{"a":1}'))).toBe('the body starts with a byte-order mark; send UTF-8 JSON without one');
    expect(reason(Buffer.from('{"a":"x\u0000"}'))).toBe('the body holds a NUL byte (byte 7)');
    expect(reason(Buffer.from('{"a":'))).toBe('the body is not valid JSON (it ends early)');
    expect(reason(Buffer.from('{"a":1} 4111'))).toBe('the body is not valid JSON (position 8)');
  });
});
