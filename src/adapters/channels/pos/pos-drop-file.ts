/**
 * POS file drops (docs/contracts/store-pos.md, "File drops"): a CSV or NDJSON file of one store's
 * transactions, in the batch model, turned into the batches `split` takes. NDJSON is one
 * transaction per line with its `currency` (and `register`) beside it; CSV is one row per line of a
 * transaction (an item, a tender, a count), grouped by `transaction_id`. A row or line that cannot
 * be read becomes a transaction of its own that validation rejects, so the rest of the file goes
 * through. Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';

type Json = Record<string, unknown>;
type FileBatches = { ok: true; batches: Json[] } | { ok: false; reason: string };

const MAX_PER_BATCH = 5000;
const REQUIRED_COLUMNS = ['transaction_id', 'type'];
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export function posFileBatches(file: { readonly name: string; readonly content: Buffer }, store: string): FileBatches {
  const text = file.content.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: false, reason: 'the file is empty' };
  const read = /\.ndjson$|\.jsonl$/i.test(file.name) ? fromNdjson(text, store) : /\.csv$/i.test(file.name) ? fromCsv(text) : { ok: false as const, reason: 'a POS drop is a .csv or an .ndjson file' };
  if (!read.ok) return read;
  const batchId = `file:${file.name.slice(0, 80)}:${createHash('sha256').update(file.content).digest('hex').slice(0, 12)}`;
  // A batch has one register and one currency: transactions are grouped by them, in file order.
  const groups = new Map<string, { register: string | null; currency: unknown; transactions: unknown[] }>();
  for (const entry of read.transactions) {
    const key = JSON.stringify([entry.register, entry.currency]);
    const group = groups.get(key) ?? { register: entry.register, currency: entry.currency, transactions: [] };
    group.transactions.push(entry.transaction);
    groups.set(key, group);
  }
  const batches: Json[] = [];
  let n = 0;
  for (const group of groups.values()) {
    for (let i = 0; i < group.transactions.length; i += MAX_PER_BATCH) {
      n += 1;
      batches.push({
        schemaVersion: 1, batchId: `${batchId}:${n}`, storeId: store, ...(group.register ? { register: group.register } : {}),
        currency: group.currency, transactions: group.transactions.slice(i, i + MAX_PER_BATCH),
      });
    }
  }
  return { ok: true, batches };
}

interface FileTransaction {
  readonly register: string | null;
  readonly currency: unknown;
  readonly transaction: unknown;
}

function fromNdjson(text: string, store: string): { ok: true; transactions: FileTransaction[] } | { ok: false; reason: string } {
  const transactions: FileTransaction[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // Kept as it is: the intake rejects it with its reason, under its position.
      transactions.push({ register: null, currency: null, transaction: `line ${index + 1}: not JSON` });
      continue;
    }
    if (isObject(value) && value.storeId !== undefined && value.storeId !== store) {
      return { ok: false, reason: `line ${index + 1} names store ${String(value.storeId).slice(0, 64)}, the folder ${store}` };
    }
    const { register, currency, storeId: _store, ...transaction } = isObject(value) ? value : { transaction: value };
    transactions.push({ register: typeof register === 'string' ? register : null, currency: currency ?? null, transaction: isObject(value) ? transaction : value });
  }
  return { ok: true, transactions };
}

/** CSV: header row, then one row per item, tender or count of a transaction (`record`), grouped by transaction_id. */
function fromCsv(text: string): { ok: true; transactions: FileTransaction[] } | { ok: false; reason: string } {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, relax_column_count: true, trim: true, bom: true });
  } catch (error) {
    return { ok: false, reason: `not CSV: ${(error as Error).message}` };
  }
  if (rows.length === 0) return { ok: false, reason: 'the CSV has a header and no rows' };
  const missing = REQUIRED_COLUMNS.filter((c) => !(c in rows[0]));
  if (missing.length > 0) return { ok: false, reason: `the CSV has no ${missing.join(', ')} column` };
  const byId = new Map<string, { head: Record<string, string>; rows: Record<string, string>[] }>();
  const order: (string | Record<string, string>)[] = [];
  for (const row of rows) {
    const id = row.transaction_id ?? '';
    if (id === '') {
      order.push(row);
      continue;
    }
    const group = byId.get(id);
    if (group) group.rows.push(row);
    else {
      byId.set(id, { head: row, rows: [row] });
      order.push(id);
    }
  }
  return {
    ok: true,
    transactions: order.map((entry): FileTransaction => {
      if (typeof entry !== 'string') return { register: entry.register || null, currency: entry.currency || null, transaction: csvTransaction(entry, [entry]) };
      const group = byId.get(entry)!;
      const first = (column: string) => group.rows.find((r) => (r[column] ?? '') !== '')?.[column];
      return { register: first('register') ?? null, currency: first('currency') ?? null, transaction: csvTransaction(group.head, group.rows) };
    }),
  };
}

/** A value a person typed: a whole number stays a string unless the model wants a number. */
const quantityOf = (v: string | undefined): unknown => (v !== undefined && /^\d+$/.test(v) ? Number(v) : v);
const put = (target: Json, key: string, value: unknown) => {
  if (value !== undefined && value !== '') target[key] = value;
};

function csvTransaction(head: Record<string, string>, rows: readonly Record<string, string>[]): Json {
  const first = (column: string) => rows.find((r) => (r[column] ?? '') !== '')?.[column];
  const t: Json = {};
  put(t, 'id', head.transaction_id);
  put(t, 'type', first('type'));
  put(t, 'at', first('at'));
  put(t, 'receipt', first('receipt'));
  put(t, 'total', first('total'));
  put(t, 'voids', first('voids'));
  put(t, 'amount', first('amount'));
  put(t, 'reason', first('reason'));
  put(t, 'businessDate', first('business_date'));
  const taxesIncluded = first('taxes_included');
  if (taxesIncluded !== undefined) t.taxesIncluded = taxesIncluded.toLowerCase() === 'true' ? true : taxesIncluded.toLowerCase() === 'false' ? false : taxesIncluded;
  const registers = first('registers');
  if (registers !== undefined) t.registers = registers.split(/[;|]/).map((r) => r.trim()).filter((r) => r !== '');
  const lines: Json[] = [];
  const tenders: Json[] = [];
  const cash: Json[] = [];
  for (const row of rows) {
    const record = (row.record ?? '').toUpperCase();
    if (record === 'ITEM') {
      const line: Json = {};
      put(line, 'id', row.line_id);
      put(line, 'sku', row.sku);
      put(line, 'title', row.title);
      put(line, 'quantity', quantityOf(row.quantity));
      put(line, 'unitPrice', row.unit_price);
      if (row.discount_amount) line.discounts = [{ amount: row.discount_amount, ...(row.discount_code ? { code: row.discount_code } : {}) }];
      if (row.tax_amount) line.taxes = [{ title: row.tax_title ?? '', amount: row.tax_amount, ...(row.tax_rate ? { rate: row.tax_rate } : {}) }];
      lines.push(line);
    } else if (record === 'TENDER') {
      const tender: Json = {};
      put(tender, 'kind', row.tender_kind);
      put(tender, 'amount', row.tender_amount);
      put(tender, 'change', row.tender_change);
      put(tender, 'gateway', row.tender_gateway);
      tenders.push(tender);
    } else if (record === 'COUNT') {
      const count: Json = {};
      put(count, 'currency', row.currency);
      put(count, 'openingFloat', row.opening_float);
      put(count, 'counted', row.counted);
      cash.push(count);
    }
  }
  if (lines.length > 0) t.lines = lines;
  if (tenders.length > 0) t.tenders = tenders;
  if (cash.length > 0) t.cash = cash;
  return t;
}
