import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { containsCardData, isIdKey, redactCardDataInJson, stripCardData } from './card-data.js';

const PAN = '4111111111111111';

function nested(depth: number, leaf: string): string {
  return '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
}

describe('redactCardDataInJson', () => {
  it('removes card keys and masks PANs in any string, keeping every other token as written', () => {
    const text = `{"id": 6012345678901234567, "number": 1001, "note": "card ${PAN} thanks",
      "note_attributes": [{"name": "card", "value": "4111 1111 1111 1111"}],
      "line_items": [{"id": 1612345678901234501, "properties": [{"name": "pay", "value": "5555-5555-5555-4444"}]}],
      "payment": {"number": 12, "card_number": "${PAN}", "CVV": "123"}, "total": "214.98", "esc": "\\u0034111111111111111"}`;
    const { text: out, removed } = redactCardDataInJson(text);
    expect(out).not.toMatch(/4111|5555-5555/);
    expect(out).toContain('"id":6012345678901234567'); // the big id stays an exact JSON number
    expect(JSON.parse(out)).toEqual({
      id: 6012345678901234567,
      number: 1001,
      note: 'card **************** thanks',
      note_attributes: [{ name: 'card', value: '**** **** **** ****' }],
      line_items: [{ id: 1612345678901234501, properties: [{ name: 'pay', value: '****-****-****-****' }] }],
      payment: {},
      total: '214.98',
      esc: '****************',
    });
    expect(removed).toEqual([
      'note (card number masked)',
      'note_attributes.0.value (card number masked)',
      'line_items.0.properties.0.value (card number masked)',
      'payment.number',
      'payment.card_number',
      'payment.CVV',
      'esc (card number masked)',
    ]);
  });

  it('never masks numbers or strings under id, tracking or sku keys, even when they pass Luhn', () => {
    const text = `{"order_id":"${PAN}","gid":{"admin_graphql_api_id":"gid://shopify/Order/${PAN}"},"line_item_ids":["${PAN}"],` +
      `"orderId":"${PAN}","lines":[{"lineRef":"${PAN}"}],"trackingNumbers":["${PAN}"],"sku":"${PAN}","quantity":${PAN}}`;
    expect(containsCardData(JSON.parse(text))).toBe(false);
    expect(redactCardDataInJson(text)).toEqual({ text, removed: [] });
    expect(['id', 'ID', 'ids', 'order_id', 'orderId', 'line_item_ids', 'lineRef', 'order_ref'].every(isIdKey)).toBe(true);
    expect(['paid', 'valid', 'note', 'prefs', 'referrer', null].some(isIdKey)).toBe(false);
  });

  it('finds card data 10,000 levels deep without overflowing the stack', () => {
    const text = nested(10_000, `{"card_number":"${PAN}","cvv":"123","note":"${PAN}"}`);
    expect(containsCardData(JSON.parse(text))).toBe(true);
    const { text: out, removed } = redactCardDataInJson(text);
    expect(out).not.toContain('4111');
    expect(out).not.toContain('123');
    expect(removed).toHaveLength(3);
    expect(removed[0]).toBe('…(9989 levels).a.a.a.a.a.a.a.a.a.a.a.card_number');
    expect(stripCardData(JSON.parse(text)).removed).toEqual(removed);
  });

  it('leaves every Shopify fixture untouched (no id, sku or total is taken for a card)', () => {
    const dir = fileURLToPath(new URL('../../../test/fixtures/shopify/', import.meta.url));
    for (const name of readdirSync(dir)) {
      const text = readFileSync(dir + name, 'utf8');
      expect([name, containsCardData(JSON.parse(text))]).toEqual([name, false]);
      expect([name, redactCardDataInJson(text).removed]).toEqual([name, []]);
    }
  });
});

describe('stripCardData', () => {
  it('masks PANs in strings and removes card keys past 64 levels', () => {
    const deep = JSON.parse(nested(100, `{"cvv":"1","card_number":"${PAN}","note":"call me, card ${PAN}"}`));
    const { value, removed } = stripCardData(deep);
    expect(JSON.stringify(value)).not.toMatch(/4111|"cvv"/);
    expect(removed).toHaveLength(3);
  });
});

describe('the three card-data functions agree', () => {
  const cardish = fc.oneof(
    fc.constantFrom('card_number', 'CVV', 'number', 'note', 'id', 'order_id', 'payment', 'value', '__proto__'),
    fc.string({ maxLength: 6 }),
  );
  const leaf = fc.oneof(
    fc.constantFrom(PAN, '4111 1111 1111 1111', `gift ${PAN}`, '4111111111111112', '5555-5555-5555-4444'),
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
  );
  const body = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(cardish, tie('value'), { maxKeys: 4 })),
  })).value;

  it('the text redaction equals the tree redaction, and containsCardData says whether either changes anything', () => {
    fc.assert(
      fc.property(body, (value) => {
        const text = JSON.stringify(value);
        const tree = stripCardData(JSON.parse(text));
        const redacted = redactCardDataInJson(text);
        expect(JSON.parse(redacted.text)).toEqual(tree.value);
        expect(redacted.removed.sort()).toEqual(tree.removed.sort());
        expect(containsCardData(JSON.parse(text))).toBe(tree.removed.length > 0);
        if (tree.removed.length === 0) expect(redacted.text).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

describe('identifier tokens', () => {
  it('leaves an event id holding a Luhn-valid run alone (masking it broke the delivery identity check), and masks a spaced card there', () => {
    const id = '{"eventId":"EVT-4111111111111111-000123","shipmentId":"SHP-5555555555554444"}';
    expect(redactCardDataInJson(id)).toEqual({ text: id, removed: [] });
    expect(redactCardDataInJson('{"eventId":"4111 1111 1111 1111"}').removed).toEqual(['eventId (card number masked)']);
  });
});
