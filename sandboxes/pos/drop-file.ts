/**
 * A store file for POS_DROP_DIR in the CSV shape of docs/contracts/store-pos.md ("File drops"):
 * one row per item, tender or count of a transaction, grouped by transaction_id; or NDJSON, one
 * transaction a line with its currency and register.
 */
import { csvRecord } from '../../src/modules/settlements/csv-writer.js';

type Json = Record<string, unknown>;

export const CSV_COLUMNS = [
  'transaction_id', 'type', 'at', 'register', 'currency', 'receipt', 'total', 'taxes_included', 'voids', 'amount', 'reason', 'business_date', 'registers',
  'record', 'line_id', 'sku', 'title', 'quantity', 'unit_price', 'discount_amount', 'discount_code', 'tax_title', 'tax_rate', 'tax_amount',
  'tender_kind', 'tender_amount', 'tender_change', 'tender_gateway', 'opening_float', 'counted',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

export function csvFile(transactions: readonly Json[], register: string, currency: string): string {
  const rows: Partial<Record<Column, string>>[] = [];
  for (const t of transactions) {
    const head: Partial<Record<Column, string>> = {
      transaction_id: str(t.id), type: str(t.type), at: str(t.at), register, currency, receipt: str(t.receipt), total: str(t.total),
      taxes_included: str(t.taxesIncluded), voids: str(t.voids), amount: str(t.amount), reason: str(t.reason), business_date: str(t.businessDate),
      registers: Array.isArray(t.registers) ? t.registers.join(';') : undefined,
    };
    const parts: Partial<Record<Column, string>>[] = [
      ...((t.lines as Json[] | undefined) ?? []).map((l) => {
        const discount = (l.discounts as Json[] | undefined)?.[0];
        const tax = (l.taxes as Json[] | undefined)?.[0];
        return {
          record: 'ITEM', line_id: str(l.id), sku: str(l.sku), title: str(l.title), quantity: str(l.quantity), unit_price: str(l.unitPrice),
          discount_amount: str(discount?.amount), discount_code: str(discount?.code), tax_title: str(tax?.title), tax_rate: str(tax?.rate), tax_amount: str(tax?.amount),
        };
      }),
      ...((t.tenders as Json[] | undefined) ?? []).map((x) => ({ record: 'TENDER', tender_kind: str(x.kind), tender_amount: str(x.amount), tender_change: str(x.change), tender_gateway: str(x.gateway) })),
      ...((t.cash as Json[] | undefined) ?? []).map((c) => ({ record: 'COUNT', currency: str(c.currency), opening_float: str(c.openingFloat), counted: str(c.counted) })),
    ];
    // The transaction's columns on its first row; later rows name only the transaction id.
    if (parts.length === 0) rows.push(head);
    parts.forEach((part, i) => rows.push(i === 0 ? { ...head, ...part } : { transaction_id: head.transaction_id, ...part }));
  }
  return [csvRecord([...CSV_COLUMNS]), ...rows.map((row) => csvRecord(CSV_COLUMNS.map((c) => row[c])))].join('');
}

export function ndjsonFile(transactions: readonly Json[], register: string, currency: string): string {
  return transactions.map((t) => JSON.stringify({ ...t, register, currency })).join('\n') + '\n';
}
