import { CSV_COLUMNS, CsvSyntaxError, checkHeader, formatCsv, mappingRows, mappingsToCsv, parseCsv } from './mapping-csv.js';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe('parseCsv', () => {
  it('splits plain records on LF, CRLF and lone CR, with or without a final line break', () => {
    expect(fields('a,b\nc,d\n')).toEqual([['a', 'b'], ['c', 'd']]);
    expect(fields('a,b\r\nc,d')).toEqual([['a', 'b'], ['c', 'd']]);
    expect(fields('a,b\rc,d\r')).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    const text = 'kind,note\r\nITEM,"a, b"\r\nITEM,"say ""hi"""\r\nITEM,"two\r\nlines"\r\nITEM,"lf\nonly"\n';
    expect(fields(text)).toEqual([
      ['kind', 'note'], ['ITEM', 'a, b'], ['ITEM', 'say "hi"'], ['ITEM', 'two\r\nlines'], ['ITEM', 'lf\nonly'],
    ]);
  });

  it('numbers each record by the physical line where it starts', () => {
    const records = parseCsv('h1,h2\n"x\ny",1\n\nz,2\n');
    expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it('drops a UTF-8 BOM and skips blank lines but keeps empty and quoted-empty fields', () => {
    expect(fields('\uFEFFkind,account\n\nITEM,\n,\n""\n')).toEqual([['kind', 'account'], ['ITEM', ''], ['', ''], ['']]);
  });

  it('keeps a JSON object in one quoted field', () => {
    const [, row] = fields('kind,target\nITEM,"{""itemId"":""I-1, large""}"\n');
    expect(JSON.parse(row[1])).toEqual({ itemId: 'I-1, large' });
  });

  it('refuses malformed quoting with the line at fault', () => {
    expect(() => parseCsv('a,b\nx,"open\nstill open')).toThrow(new CsvSyntaxError(2, 'a quoted field is never closed'));
    expect(() => parseCsv('a,b\nx,ab"c\n')).toThrow(/line 2: a quote inside an unquoted field/);
    expect(() => parseCsv('a,b\n\nx,"ab"c\n')).toThrow(/line 3: text after a closing quote/);
  });

  it('returns no records for empty text', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
  });
});

describe('formatCsv', () => {
  it('quotes only what needs it and round-trips through parseCsv', () => {
    const rows = [['plain', 'a,b', 'say "x"', 'line\nbreak', ' padded ', '', 'crlf\r\nin']];
    const text = formatCsv(rows);
    expect(text).toBe('plain,"a,b","say ""x""","line\nbreak"," padded ",,"crlf\r\nin"\r\n');
    expect(fields(text)).toEqual(rows);
  });
});

describe('mapping CSV', () => {
  it('accepts the header in any order and case, and names what is missing, unknown or repeated', () => {
    expect(checkHeader([...CSV_COLUMNS])).toBeNull();
    expect(checkHeader([...CSV_COLUMNS].reverse().map((c) => c.toUpperCase()))).toBeNull();
    expect(checkHeader(['kind', 'channel', 'account', 'erp_target', 'source_value', 'target', 'notes'])).toMatch(/missing note; unknown notes/);
    expect(checkHeader([...CSV_COLUMNS, 'kind'])).toMatch(/repeated kind/);
  });

  it('keys data rows by column, numbered from 1 after the header, and flags a wrong field count', () => {
    const rows = mappingRows(parseCsv('source_value,kind,channel,account,erp_target,target,note\nSKU-1,ITEM,SHOPIFY,,,"{}",n\nSKU-2,ITEM\n'));
    expect(rows[0]).toMatchObject({ row: 1, line: 2, error: null, values: { kind: 'ITEM', source_value: 'SKU-1', account: '', target: '{}' } });
    expect(rows[1]).toMatchObject({ row: 2, line: 3, values: null, error: 'has 2 fields; the header has 7' });
  });

  it('writes the header, empty scopes and the target in its kind order, and reads back the same', () => {
    const csv = mappingsToCsv([
      { kind: 'LOCATION', channel: 'POS', account: 'store-12', erpTarget: null, sourceValue: 'loc, "front"', target: { subsidiaryId: '3', locationId: 'L-9' }, note: 'multi\nline' },
    ]);
    expect(csv.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    const [row] = mappingRows(parseCsv(csv));
    expect(row.values).toEqual({
      kind: 'LOCATION', channel: 'POS', account: 'store-12', erp_target: '', source_value: 'loc, "front"',
      target: '{"locationId":"L-9","subsidiaryId":"3"}', note: 'multi\nline',
    });
  });
});
