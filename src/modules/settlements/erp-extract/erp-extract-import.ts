import type { DataSource, QueryRunner } from 'typeorm';
import type { PostedTotalsReader } from '../../erp-sync/posted-totals.js';
import type { ErpExtractLine } from './erp-extract-lines.js';

type Posted = Pick<PostedTotalsReader, 'postedTo'>;

export interface ErpExtractOutcome {
  readonly status: 'COMPARED' | 'DUPLICATE';
  readonly extractId: string;
  readonly lines: number;
  /** Hub documents in the extract's period that the ERP lists with the amount the hub read back. */
  readonly agreeing: number;
  readonly mismatched: number;
  readonly missing: number;
  /** ERP documents of the period the hub did not post (entered by hand, or by another integration): counted, not breaks. */
  readonly notFromHub: number;
  readonly closed: number;
}

const KEYED = `('AMOUNT_MISMATCH', 'MISSING_IN_ERP')`;

/**
 * Keeps an ERP's own export of its sales documents and compares it with what the hub posted to
 * that target on the same days: a document the hub posted that the ERP no longer lists is
 * MISSING_IN_ERP (deleted or voided there); one it lists with another amount than the hub read
 * back after posting is AMOUNT_MISMATCH (changed there since). Both are drift the hub did not
 * cause. A later extract that agrees closes them. The same file twice is DUPLICATE.
 */
export async function importErpExtract(
  db: DataSource, posted: Posted,
  request: { target: string; fileHash: string; lines: readonly ErpExtractLine[]; importedBy: string },
): Promise<ErpExtractOutcome> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    const [inserted]: { id: string }[] = await runner.query(`
      INSERT INTO settlement_erp_extracts (target_id, file_hash, line_count, imported_by) VALUES ($1, $2, $3, $4)
      ON CONFLICT (file_hash) DO NOTHING RETURNING id`, [request.target, request.fileHash, request.lines.length, request.importedBy]);
    if (!inserted) {
      await runner.rollbackTransaction();
      const [first]: { id: string; line_count: number }[] = await runner.query('SELECT id, line_count FROM settlement_erp_extracts WHERE file_hash = $1', [request.fileHash]);
      return { status: 'DUPLICATE', extractId: first.id, lines: first.line_count, agreeing: 0, mismatched: 0, missing: 0, notFromHub: 0, closed: 0 };
    }
    const extractId = inserted.id;
    const { lines } = request;
    await runner.query(`
      INSERT INTO settlement_erp_extract_lines (extract_id, lineage, document_number, document_type, booked_on, amount, currency)
      SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::date[], $6::bigint[], $7::text[])`, [
      extractId, lines.map((l) => l.lineage), lines.map((l) => l.documentNumber), lines.map((l) => l.documentType), lines.map((l) => l.bookedOn),
      lines.map((l) => l.amount.toString()), lines.map((l) => l.currency),
    ]);
    const counts = lines.length ? await compare(runner, posted, request.target, extractId, lines) : { agreeing: 0, mismatched: 0, missing: 0, notFromHub: 0, closed: 0 };
    await runner.commitTransaction();
    return { status: 'COMPARED', extractId, lines: lines.length, ...counts };
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

async function compare(runner: QueryRunner, posted: Posted, target: string, extractId: string, lines: readonly ErpExtractLine[]) {
  const days = lines.map((l) => l.bookedOn).sort();
  const documents = await posted.postedTo(runner, target, days[0], days[days.length - 1]);
  await runner.query(`
    CREATE TEMP TABLE settlement_erp_drift ON COMMIT DROP AS
    WITH hub AS (
      SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[]) AS h (order_id, document_number, internal_id, erp_total, currency)
    ), erp AS (
      SELECT document_number, min(lineage) AS lineage, sum(amount) AS amount, min(currency) AS currency, count(DISTINCT currency) AS currencies
      FROM settlement_erp_extract_lines WHERE extract_id = $1 GROUP BY document_number
    )
    SELECT h.order_id, coalesce(h.document_number, h.internal_id) AS document, h.erp_total, h.currency AS hub_currency, e.lineage, e.amount, e.currency,
      CASE WHEN e.document_number IS NULL THEN 'MISSING_IN_ERP'
        WHEN h.erp_total IS NULL OR (e.currencies = 1 AND e.currency = h.currency AND e.amount = h.erp_total) THEN 'AGREE'
        ELSE 'AMOUNT_MISMATCH' END AS verdict
    FROM hub h LEFT JOIN erp e ON e.document_number IN (h.document_number, h.internal_id)`, [
    extractId, documents.map((d) => d.orderId), documents.map((d) => d.documentNumber), documents.map((d) => d.internalId),
    documents.map((d) => d.erpTotal?.toString() ?? null), documents.map((d) => d.currency),
  ]);
  const channel = `ERP:${target}`;
  await runner.query(`
    INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation)
    SELECT verdict || ':ERP_EXTRACT:' || $1 || ':' || order_id, verdict,
      CASE verdict WHEN 'MISSING_IN_ERP' THEN coalesce(erp_total, 0) ELSE amount - erp_total END, coalesce(currency, hub_currency, 'XXX'), $2,
      CASE verdict
        WHEN 'MISSING_IN_ERP' THEN 'ERP target ' || $1 || ' no longer lists document ' || document || ' (order ' || order_id || '), which the hub posted with a total of '
          || coalesce(erp_total::text, 'unknown') || ' minor units of ' || coalesce(hub_currency, '?') || ': deleted or voided in the ERP'
        ELSE 'ERP target ' || $1 || ' lists document ' || document || ' (order ' || order_id || ') at ' || amount || ' minor units of ' || currency || ' (' || lineage
          || '); the hub read back ' || erp_total || ' ' || hub_currency || ' after posting it, a difference of ' || (amount - erp_total) || ': changed in the ERP since' END
    FROM settlement_erp_drift WHERE verdict IN ${KEYED}
    ON CONFLICT (break_key) WHERE status <> 'RESOLVED'
      DO UPDATE SET amount = EXCLUDED.amount, explanation = EXCLUDED.explanation WHERE settlement_breaks.amount <> EXCLUDED.amount`, [target, channel]);
  const [{ closed }]: { closed: number }[] = await runner.query(`
    WITH closed AS (
      UPDATE settlement_breaks b SET status = 'RESOLVED', status_by = 'matcher', status_at = now(), note = 'a later ERP extract agrees with the hub'
      FROM settlement_erp_drift d
      WHERE b.status <> 'RESOLVED' AND b.break_key IN ('MISSING_IN_ERP:ERP_EXTRACT:' || $1 || ':' || d.order_id, 'AMOUNT_MISMATCH:ERP_EXTRACT:' || $1 || ':' || d.order_id)
        AND b.category <> d.verdict
      RETURNING b.id
    ), actions AS (
      INSERT INTO settlement_break_actions (break_id, action, actor, note) SELECT id, 'AUTO_CLOSE', 'matcher', 'a later ERP extract agrees with the hub' FROM closed
    )
    SELECT count(*)::int AS closed FROM closed`, [target]);
  const [verdicts]: { agreeing: number; mismatched: number; missing: number }[] = await runner.query(`
    SELECT count(*) FILTER (WHERE verdict = 'AGREE')::int AS agreeing, count(*) FILTER (WHERE verdict = 'AMOUNT_MISMATCH')::int AS mismatched,
      count(*) FILTER (WHERE verdict = 'MISSING_IN_ERP')::int AS missing FROM settlement_erp_drift`);
  const known = new Set(documents.flatMap((d) => [d.documentNumber, d.internalId]));
  const notFromHub = new Set(lines.filter((l) => !known.has(l.documentNumber)).map((l) => l.documentNumber)).size;
  return { ...verdicts, notFromHub, closed };
}
