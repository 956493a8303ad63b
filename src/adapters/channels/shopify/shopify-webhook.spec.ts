import {
  containsCardData,
  isShopifyOrderTopic,
  parseJsonPreservingBigIds,
  SHOPIFY_ORDER_TOPICS,
  signShopifyBody,
  stripCardData,
  verifyShopifyHmac,
} from './shopify-webhook.js';

// Test vector from Shopify's own SDK tests (see shared/contracts/shopify/NOTES.md).
const VECTOR_SECRET = 'test_secret_key';
const VECTOR_BODY = Buffer.from('{"foo": "bar"}', 'utf8');
const VECTOR_HMAC = 'B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=';

describe('verifyShopifyHmac', () => {
  it('signs the test vector exactly as Shopify does', () => {
    expect(signShopifyBody(VECTOR_BODY, VECTOR_SECRET)).toBe(VECTOR_HMAC);
    expect(signShopifyBody('{"foo": "bar"}', VECTOR_SECRET)).toBe(VECTOR_HMAC);
  });

  it('accepts the test vector', () => {
    expect(verifyShopifyHmac(VECTOR_BODY, VECTOR_HMAC, VECTOR_SECRET)).toBe(true);
    expect(verifyShopifyHmac(VECTOR_BODY, ` ${VECTOR_HMAC}\n`, VECTOR_SECRET)).toBe(true);
  });

  it('rejects a wrong secret, a changed body and a changed digest', () => {
    expect(verifyShopifyHmac(VECTOR_BODY, VECTOR_HMAC, 'other_secret')).toBe(false);
    expect(verifyShopifyHmac(Buffer.from('{"foo":"bar"}'), VECTOR_HMAC, VECTOR_SECRET)).toBe(false);
    const flipped = Buffer.from(VECTOR_HMAC, 'base64');
    flipped[0] ^= 0x01;
    expect(verifyShopifyHmac(VECTOR_BODY, flipped.toString('base64'), VECTOR_SECRET)).toBe(false);
  });

  it('returns false instead of throwing for missing or malformed input', () => {
    expect(verifyShopifyHmac(VECTOR_BODY, undefined, VECTOR_SECRET)).toBe(false);
    expect(verifyShopifyHmac(VECTOR_BODY, '', VECTOR_SECRET)).toBe(false);
    expect(verifyShopifyHmac(Buffer.alloc(0), signShopifyBody(Buffer.alloc(0), VECTOR_SECRET), VECTOR_SECRET)).toBe(false);
    expect(verifyShopifyHmac(VECTOR_BODY, VECTOR_HMAC, '')).toBe(false);
    // wrong length: a 16-byte digest, a hex digest, and the digest with its padding removed
    expect(verifyShopifyHmac(VECTOR_BODY, Buffer.alloc(16).toString('base64'), VECTOR_SECRET)).toBe(false);
    expect(verifyShopifyHmac(VECTOR_BODY, Buffer.from(VECTOR_HMAC, 'base64').toString('hex'), VECTOR_SECRET)).toBe(false);
    expect(verifyShopifyHmac(VECTOR_BODY, VECTOR_HMAC.slice(0, -1), VECTOR_SECRET)).toBe(false);
    expect(verifyShopifyHmac(VECTOR_BODY, '%%%not base64%%%', VECTOR_SECRET)).toBe(false);
    expect(verifyShopifyHmac('{"foo": "bar"}' as unknown as Buffer, VECTOR_HMAC, VECTOR_SECRET)).toBe(false);
    expect(verifyShopifyHmac(VECTOR_BODY, 42 as unknown as string, VECTOR_SECRET)).toBe(false);
  });
});

describe('SHOPIFY_ORDER_TOPICS', () => {
  it('lists the order topics the hub consumes', () => {
    expect([...SHOPIFY_ORDER_TOPICS]).toEqual(['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled']);
    expect(isShopifyOrderTopic('orders/paid')).toBe(true);
    expect(isShopifyOrderTopic('refunds/create')).toBe(false);
  });
});

describe('parseJsonPreservingBigIds', () => {
  it('keeps integers beyond 2^53 exact as strings where JSON.parse rounds them', () => {
    const text = '{"id":6012345678901234567,"customer":{"id":7012345678901234567}}';
    expect(String((JSON.parse(text) as { id: number }).id)).not.toBe('6012345678901234567');
    expect(parseJsonPreservingBigIds(text)).toEqual({ id: '6012345678901234567', customer: { id: '7012345678901234567' } });
  });

  it('leaves integers of up to 15 digits as numbers and quotes 16 digits and more', () => {
    expect(parseJsonPreservingBigIds('[450789469, 123456789012345, 1234567890123456, -1234567890123456, 0, -7]')).toEqual([
      450789469,
      123456789012345,
      '1234567890123456',
      '-1234567890123456',
      0,
      -7,
    ]);
  });

  it('does not touch decimals, exponents or digits inside strings', () => {
    const text = String.raw`{"rate":0.0725,"big":12345678901234567.5,"exp":1e21,"e2":12345678901234567E2,"s":"12345678901234567","q":"a\"12345678901234567\"b","k12345678901234567":1,"tail":"\\","n":99999999999999999}`;
    expect(parseJsonPreservingBigIds(text)).toEqual({
      rate: 0.0725,
      big: 12345678901234567.5,
      exp: 1e21,
      e2: 12345678901234567e2,
      s: '12345678901234567',
      q: 'a"12345678901234567"b',
      k12345678901234567: 1,
      tail: '\\',
      n: '99999999999999999',
    });
  });

  it('handles whitespace, nesting and literals around big numbers', () => {
    expect(parseJsonPreservingBigIds('{ "a" : [ true , null , 1234567890123456789 ] , "b" :\n1234567890123456789\n}')).toEqual({
      a: [true, null, '1234567890123456789'],
      b: '1234567890123456789',
    });
    expect(parseJsonPreservingBigIds('1234567890123456789')).toBe('1234567890123456789');
  });

  it('still rejects invalid JSON like JSON.parse', () => {
    expect(() => parseJsonPreservingBigIds('{"id": 0123456789012345678}')).toThrow(SyntaxError);
    expect(() => parseJsonPreservingBigIds('{"id": 1234567890123456789')).toThrow(SyntaxError);
    expect(() => parseJsonPreservingBigIds('')).toThrow(SyntaxError);
  });
});

describe('stripCardData', () => {
  it('removes card numbers and CVVs anywhere, in any case, and lists their paths', () => {
    const body = {
      id: '6012345678901234567',
      number: 421,
      payment_details: {
        credit_card_bin: '424242',
        credit_card_number: '•••• •••• •••• 4242',
        credit_card_company: 'Visa',
        CVV2: '123',
      },
      transactions: [
        { gateway: 'manual', card: { number: '4111111111111111', Security_Code: '999', name: 'M OKAFOR' } },
        { gateway: 'pos', payment: { 'Card-Number': '5555 5555 5555 4444', cvc: '000', verification_value: '1' } },
      ],
      note_attributes: [{ name: 'cardNumber', value: 'x' }, { cc_number: '4000056655665556', CVC2: '12', cvv: 7 }],
      line_items: [{ id: 1, number: '4242 4242 4242 4242' }],
    };
    const { value, removed } = stripCardData(body);
    expect(removed).toEqual([
      'payment_details.credit_card_number',
      'payment_details.CVV2',
      'transactions.0.card.number',
      'transactions.0.card.Security_Code',
      'transactions.1.payment.Card-Number',
      'transactions.1.payment.cvc',
      'transactions.1.payment.verification_value',
      'note_attributes.1.cc_number',
      'note_attributes.1.CVC2',
      'note_attributes.1.cvv',
      'line_items.0.number',
    ]);
    expect(value).toEqual({
      id: '6012345678901234567',
      number: 421,
      payment_details: { credit_card_bin: '424242', credit_card_company: 'Visa' },
      transactions: [
        { gateway: 'manual', card: { name: 'M OKAFOR' } },
        { gateway: 'pos', payment: {} },
      ],
      note_attributes: [{ name: 'cardNumber', value: 'x' }, {}],
      line_items: [{ id: 1 }],
    });
    // the input is not modified
    expect(body.payment_details.credit_card_number).toBe('•••• •••• •••• 4242');
  });

  it('keeps the order-level "number" (Shopify sequential order number) and passes primitives through', () => {
    expect(stripCardData({ number: 1001, order_number: 2001 })).toEqual({ value: { number: 1001, order_number: 2001 }, removed: [] });
    expect(stripCardData('x')).toEqual({ value: 'x', removed: [] });
    expect(stripCardData(null)).toEqual({ value: null, removed: [] });
    expect(stripCardData([{ cvv: '1' }])).toEqual({ value: [{}], removed: ['0.cvv'] });
  });
});

describe('containsCardData', () => {
  it('says no for an ordinary order and yes wherever stripCardData would remove something', () => {
    const ordinary = { id: 6012345678901234567n.toString(), number: 421, order_number: 1421, payment_gateway_names: ['shopify_payments'] };
    expect(containsCardData(ordinary)).toBe(false);
    expect(stripCardData(ordinary).removed).toEqual([]);
    for (const body of [
      '{"payment_details": {"credit_card_number": "4111111111111111"}}',
      '{"x": [{"CVV": "123"}]}',
      '{"number": "4111 1111 1111 1111"}',
      '{"card": {"number": "4111111111111111"}}',
      '{"payment": {"method": {"number": 12}}}',
    ]) {
      expect(containsCardData(JSON.parse(body))).toBe(true);
      expect(stripCardData(JSON.parse(body)).removed.length).toBeGreaterThan(0);
    }
  });
});
