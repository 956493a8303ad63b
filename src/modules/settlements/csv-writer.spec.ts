import { describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { csvRecord } from './csv-writer.js';

describe('csvRecord', () => {
  it('quotes what RFC 4180 needs quoted, and a maintained parser reads it back exactly', () => {
    const fields = ['plain', 'a,b', 'say "hi"', 'two\r\nlines', ' padded', '', '-1.50', 'ünïcode'];
    const text = csvRecord(fields) + csvRecord([null, undefined, 42]);
    expect(text).toBe('plain,"a,b","say ""hi""","two\r\nlines"," padded",,-1.50,ünïcode\r\n,,42\r\n');
    expect(parse(text, { relax_column_count: true })).toEqual([fields, ['', '', '42']]);
  });
});
