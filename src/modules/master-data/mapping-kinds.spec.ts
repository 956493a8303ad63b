import { CSV_COLUMNS } from './mapping-csv.js';
import { ALL_TARGET_FIELDS, MAPPING_KINDS, TARGET_FIELDS, checkDraft, checkNote, checkTarget, sameTarget } from './mapping-kinds.js';

const draft = (overrides: Record<string, unknown> = {}) => ({
  kind: 'ITEM', channel: 'SHOPIFY', sourceValue: 'SKU-1', target: { itemId: 'ITEM-1' }, note: 'first mapping', ...overrides,
});

describe('checkTarget', () => {
  const examples: Record<string, Record<string, string>> = {
    ITEM: { itemId: 'I-1' },
    LOCATION: { locationId: 'L-1', subsidiaryId: 'S-1' },
    TAX_CODE: { taxCode: 'CA-STD' },
    TENDER: { paymentMethod: 'VISA', clearingAccount: '1210' },
    CUSTOMER: { customerId: 'C-1' },
    RETURN_REASON: { reason: 'DAMAGED' },
    FEE_TYPE: { glAccount: '6120' },
    DISPOSITION: { locationId: 'RETURNS' },
  };

  it.each(MAPPING_KINDS)('accepts a complete %s target and trims its values', (kind) => {
    const padded = Object.fromEntries(Object.entries(examples[kind]).map(([k, v]) => [k, ` ${v} `]));
    expect(checkTarget(kind, padded)).toEqual({ ok: true, value: examples[kind] });
  });

  it.each(MAPPING_KINDS)('names every missing or empty field of a %s target', (kind) => {
    const result = checkTarget(kind, { [TARGET_FIELDS[kind][0]]: '  ' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toEqual(TARGET_FIELDS[kind].map((f) => `target.${f}`));
  });

  it('refuses another kind’s field, a non-string value and a non-object', () => {
    expect(checkTarget('ITEM', { itemId: 'I-1', taxCode: 'X' })).toEqual({
      ok: false, errors: [{ field: 'target.taxCode', reason: 'is not a ITEM target field (expected itemId)' }],
    });
    expect(checkTarget('ITEM', { itemId: 42 })).toMatchObject({ ok: false, errors: [{ field: 'target.itemId' }] });
    expect(checkTarget('TENDER', 'VISA')).toMatchObject({ ok: false, errors: [{ field: 'target' }] });
    expect(checkTarget('ITEM', ['I-1'])).toMatchObject({ ok: false, errors: [{ field: 'target' }] });
  });

  it('takes the optional fields of a kind (TAX_CODE taxAccount, ITEM lineType), and checks them when given', () => {
    expect(checkTarget('TAX_CODE', { taxCode: 'NY', taxAccount: ' 22100 ' })).toEqual({ ok: true, value: { taxCode: 'NY', taxAccount: '22100' } });
    expect(checkTarget('ITEM', { itemId: '601', lineType: 'Account' })).toEqual({ ok: true, value: { itemId: '601', lineType: 'Account' } });
    expect(checkTarget('TAX_CODE', { taxCode: 'NY', taxAccount: 7 })).toMatchObject({ ok: false, errors: [{ field: 'target.taxAccount' }] });
    expect(checkTarget('LOCATION', { locationId: '1', subsidiaryId: '2', taxAccount: '22100' })).toMatchObject({ ok: false, errors: [{ field: 'target.taxAccount' }] });
  });

  it('ignores null fields, as GraphQL inputs send them', () => {
    expect(checkTarget('ITEM', { itemId: 'I-1', taxCode: null })).toEqual({ ok: true, value: { itemId: 'I-1' } });
  });

  it('covers every field once in the union used by GraphQL', () => {
    // 12 with DISPOSITION's writeOffAccount (its locationId is LOCATION's field name too).
    expect(new Set(ALL_TARGET_FIELDS).size).toBe(12);
  });
});

describe('checkNote', () => {
  it('requires a non-blank note', () => {
    expect(checkNote('  why  ')).toEqual({ ok: true, value: 'why' });
    expect(checkNote('   ')).toMatchObject({ ok: false, errors: [{ field: 'note' }] });
    expect(checkNote(undefined)).toMatchObject({ ok: false, errors: [{ field: 'note' }] });
    expect(checkNote('x'.repeat(2001))).toMatchObject({ ok: false });
  });
});

describe('checkDraft', () => {
  it('normalises empty scopes to null and Shopify accounts to lower case', () => {
    expect(checkDraft(draft({ account: 'Shop.MyShopify.com', erpTarget: '' }))).toEqual({
      ok: true,
      value: { kind: 'ITEM', channel: 'SHOPIFY', account: 'shop.myshopify.com', erpTarget: null, sourceValue: 'SKU-1', target: { itemId: 'ITEM-1' }, note: 'first mapping' },
    });
    expect(checkDraft(draft({ channel: 'POS', account: 'Store-12' }))).toMatchObject({ ok: true, value: { account: 'Store-12' } });
  });

  it('reports every problem at once, under the caller’s field names', () => {
    const result = checkDraft({ kind: 'SKU', channel: 'MYSPACE', sourceValue: ' padded', note: '' }, {
      kind: 'kind', channel: 'channel', account: 'account', erpTarget: 'erp_target', sourceValue: 'source_value', target: 'target', note: 'note',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toEqual(['kind', 'channel', 'source_value', 'note']);
    expect(CSV_COLUMNS).toEqual(expect.arrayContaining(result.errors.map((e) => e.field)));
  });

  it('keeps "*" (the default) for CUSTOMER only', () => {
    expect(checkDraft(draft({ kind: 'CUSTOMER', sourceValue: '*', target: { customerId: 'C-AMZ' } })).ok).toBe(true);
    expect(checkDraft(draft({ sourceValue: '*' }))).toMatchObject({ ok: false, errors: [{ field: 'sourceValue' }] });
  });

  it('refuses scopes with spaces and a body that is not an object', () => {
    expect(checkDraft(draft({ account: 'two words' }))).toMatchObject({ ok: false, errors: [{ field: 'account' }] });
    expect(checkDraft(draft({ erpTarget: 5 }))).toMatchObject({ ok: false, errors: [{ field: 'erpTarget' }] });
    expect(checkDraft('ITEM')).toMatchObject({ ok: false, errors: [{ field: 'body' }] });
    expect(checkDraft(draft({ sourceValue: 'a\u0000b', note: 'x\u0000' }))).toMatchObject({ ok: false, errors: [{ field: 'sourceValue' }, { field: 'note' }] });
  });
});

describe('sameTarget', () => {
  it('compares fields and values, not key order', () => {
    expect(sameTarget({ a: '1', b: '2' }, { b: '2', a: '1' })).toBe(true);
    expect(sameTarget({ a: '1' }, { a: '2' })).toBe(false);
    expect(sameTarget({ a: '1' }, { a: '1', b: '2' })).toBe(false);
  });
});
