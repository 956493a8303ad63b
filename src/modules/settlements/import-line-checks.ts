import type { QueryRunner } from 'typeorm';
import type { ReportSummary, SettlementFormat } from '../../canonical/settlement.js';

/**
 * Fees a provider documents it never charges on a kind of line, by the line's provider key.
 * Shopify Payments only ever gives a fee back on a reversal: a refund's fee is negative
 * (`refundsFee`, "fee given back") and a won dispute returns its chargeback fee (100.00 /
 * −15.00 / 115.00), per research/settlements.md §1.6–1.7. A fee charged on one is unexpected.
 */
interface FeeRule {
  readonly format: SettlementFormat;
  /** The fee line's provider key, a POSIX regular expression. */
  readonly feeKey: string;
  readonly rule: string;
}

export const UNEXPECTED_FEE_RULES: readonly FeeRule[] = [
  {
    format: 'SHOPIFY_PAYMENTS', feeKey: '^(REFUND|DISPUTE_REVERSAL|CHARGEBACK_FEE_REFUND)\\|.*\\|fee$',
    rule: 'Shopify Payments gives fees back on refunds and dispute reversals and charges none on them',
  },
];

/**
 * A fee charged (a negative fee line) where the provider documents none: one UNEXPECTED_FEE
 * break per line with its exact amount, opened as the report is imported.
 */
export async function openUnexpectedFeeBreaks(runner: QueryRunner, importId: string, summary: ReportSummary): Promise<void> {
  const rules = UNEXPECTED_FEE_RULES.filter((r) => r.format === summary.format);
  if (!rules.length) return;
  await runner.query(`
    INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation, import_id, component_id)
    SELECT 'UNEXPECTED_FEE:' || c.id, 'UNEXPECTED_FEE', c.amount, c.currency, c.channel,
      $2 || ' line ' || c.lineage || ' charges a fee of ' || -c.amount || ' minor units of ' || c.currency || ' on "' || c.provider_key || '": ' || r.rule,
      c.import_id, c.id
    FROM settlement_components c
    JOIN unnest($3::text[], $4::text[]) AS r (fee_key, rule) ON c.provider_key ~ r.fee_key
    WHERE c.import_id = $1 AND c.component IN ('FEE', 'CHARGEBACK_FEE') AND c.amount < 0`,
  [importId, summary.format, rules.map((r) => r.feeKey), rules.map((r) => r.rule)]);
}

/**
 * The same provider transaction in an earlier report (same channel, provider reference, line
 * type and transaction reference): one DUPLICATE break per repeated line, naming where it was
 * first reported. A report imported twice never gets here (the importer refuses it whole); this
 * is one transaction carried by two different reports, e.g. two payouts.
 */
export async function openDuplicateBreaks(runner: QueryRunner, importId: string, summary: ReportSummary): Promise<void> {
  await runner.query(`
    INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation, import_id, component_id)
    SELECT 'DUPLICATE:' || c.id, 'DUPLICATE', c.amount, c.currency, c.channel,
      $2 || ' line ' || c.lineage || ' reports provider transaction ' || c.psp_reference || ' ("' || c.provider_key || '", ' || c.amount
        || ' minor units of ' || c.currency || ') that ' || first.lineage || ' already reported in payout ' || coalesce(first.payout_ref, 'none'),
      c.import_id, c.id
    FROM settlement_components c
    CROSS JOIN LATERAL (
      SELECT e.lineage, e.payout_ref FROM settlement_components e
      WHERE e.channel = c.channel AND e.psp_reference = c.psp_reference AND e.side = 'REPORTED' AND e.import_id <> c.import_id
        AND e.component = c.component AND e.provider_key = c.provider_key AND e.transaction_ref IS NOT DISTINCT FROM c.transaction_ref
      ORDER BY e.id LIMIT 1) first
    WHERE c.import_id = $1 AND c.side = 'REPORTED' AND c.psp_reference IS NOT NULL AND c.component NOT IN ('PAYOUT', 'BANK_DEPOSIT')`,
  [importId, summary.format]);
}
