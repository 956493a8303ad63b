import type { QueryRunner } from 'typeorm';
import type { ExchangeLine } from '../../../canonical/return.js';

/** The new items a case's customer takes in exchange (return_exchange_lines): the channel's latest list wins. */
export class ExchangeStore {
  async save(runner: QueryRunner, caseId: string, lines: readonly ExchangeLine[]): Promise<void> {
    if (lines.length === 0) return;
    await runner.query(
      `INSERT INTO return_exchange_lines (case_id, external_id, sku, variant_id, title, quantity, currency_code, unit_price, discount, taxes, total)
       SELECT $1, u.external_id, u.sku, u.variant_id, u.title, u.quantity, u.currency, u.unit_price, u.discount, u.taxes, u.total
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::bigint[], $9::bigint[], $10::jsonb[], $11::bigint[])
         AS u(external_id, sku, variant_id, title, quantity, currency, unit_price, discount, taxes, total)
       ON CONFLICT (case_id, external_id) DO UPDATE SET quantity = excluded.quantity, unit_price = excluded.unit_price,
         discount = excluded.discount, taxes = excluded.taxes, total = excluded.total, title = excluded.title`,
      [
        caseId, lines.map((l) => l.externalId), lines.map((l) => l.sku), lines.map((l) => l.variantId), lines.map((l) => l.title),
        lines.map((l) => l.quantity), lines.map((l) => l.total.currency), lines.map((l) => l.unitPrice.amount.toString()),
        lines.map((l) => l.discount.amount.toString()),
        lines.map((l) => JSON.stringify(l.taxes.map((t) => ({ title: t.title, rate: t.rate, amount: t.amount.amount.toString() })))),
        lines.map((l) => l.total.amount.toString()),
      ],
    );
  }

  async load(runner: QueryRunner, caseId: string): Promise<ExchangeLine[]> {
    const rows: Record<string, unknown>[] = await runner.query(
      `SELECT external_id, sku, variant_id, title, quantity, currency_code, unit_price::text AS unit_price, discount::text AS discount, taxes, total::text AS total
       FROM return_exchange_lines WHERE case_id = $1 ORDER BY external_id`,
      [caseId],
    );
    return rows.map((r) => {
      const currency = (r.currency_code as string).trim();
      const money = (v: unknown) => ({ amount: BigInt(v as string), currency });
      return {
        externalId: r.external_id as string, sku: r.sku as string | null, variantId: r.variant_id as string | null, title: r.title as string,
        quantity: r.quantity as number, unitPrice: money(r.unit_price), discount: money(r.discount), total: money(r.total),
        taxes: (r.taxes as { title: string; rate: string; amount: string }[]).map((t) => ({ title: t.title, rate: t.rate, amount: money(t.amount) })),
      };
    });
  }
}
