import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { DataSource, QueryRunner } from 'typeorm';
import type { ControlCheck, ReportSummary } from '../../canonical/settlement.js';
import type { ReportParser } from '../../adapters/payments/report-parser.js';
import { formatDecimal } from '../../canonical/money.js';
import { openDuplicateBreaks, openUnexpectedFeeBreaks } from './import-line-checks.js';
import { writeComponents } from './ledger-writer.js';

export interface ImportOutcome {
  readonly status: 'IMPORTED' | 'CONTROL_TOTAL_FAILED' | 'DUPLICATE';
  readonly importId: string;
  readonly reportId: string;
  readonly lines: number;
  /** actual − expected of the main control total; 0 when it ties. */
  readonly difference: bigint;
}

/**
 * Imports one report in one transaction: the components are staged as they are parsed, and the
 * report lands whole once its identity is known. The same report again (same identity or same
 * bytes) rolls back and answers DUPLICATE with the first import's id. A report whose control
 * totals fail is kept, flagged CONTROL_TOTAL_FAILED, with one CONTROL_TOTAL break per failing
 * identity carrying the exact difference; nothing is plugged.
 */
export interface ImportRequest {
  readonly parser: ReportParser;
  readonly input: Readable;
  readonly channel: string;
  /**
   * The file's SHA-256. A streamed upload knows it only once the last byte has been read, so
   * it may be a function asked after parsing; the same-bytes check then runs at that point.
   */
  readonly fileHash: string | (() => string);
  readonly importedBy: string;
  /** Called in the import's transaction once a report landed whole with its control totals holding (its journal is scheduled here). */
  readonly onImported?: (runner: QueryRunner, imported: { readonly importId: string; readonly summary: ReportSummary }) => Promise<void>;
}

const UNIQUE_VIOLATION = '23505';

export async function importReport(db: DataSource, { parser, input, channel, fileHash, importedBy, onImported }: ImportRequest): Promise<ImportOutcome> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    if (typeof fileHash === 'string') {
      const known = await findImport(runner, 'file_hash = $1', [fileHash]);
      if (known) {
        input.resume();
        return known;
      }
    }
    await runner.startTransaction();
    // The line checks below are one statement each over the whole report; compiling them with JIT costs more than it saves.
    await runner.query('SET LOCAL jit = off');
    const id = await openImport(runner, parser.format, channel, typeof fileHash === 'string' ? fileHash : null, importedBy);
    if (id === null) {
      // A concurrent import of the same bytes committed first: that is a DUPLICATE answer, not an error.
      await runner.rollbackTransaction();
      input.resume();
      return (await findImport(runner, 'file_hash = $1', [fileHash]))!;
    }
    await writeComponents(runner, id, channel, parser.components(input));
    const summary = parser.summary();
    const hash = typeof fileHash === 'string' ? fileHash : fileHash();
    const identity = '((format = $1 AND report_id = $2) OR file_hash = $3)';
    const duplicate = await findImport(runner, `${identity} AND id <> $4`, [summary.format, summary.reportId, hash, id]);
    if (duplicate) {
      await runner.rollbackTransaction();
      return duplicate;
    }
    const checks = failingChecks(summary);
    try {
      // Losing the race to a concurrent import of the same report ends here (unique key): that is a DUPLICATE answer, not an error.
      await runner.query(`
        UPDATE settlement_imports SET report_id = $2, file_hash = $3, channel = $4, currency = $5, status = $6, control_expected = $7,
          control_actual = $8, line_count = $9
        WHERE id = $1`, [
        id, summary.reportId, hash, summary.channel, summary.currency, checks.length ? 'CONTROL_TOTAL_FAILED' : 'IMPORTED',
        summary.controlExpected.toString(), summary.controlActual.toString(), summary.lineCount,
      ]);
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      await runner.rollbackTransaction();
      const winner = await findImport(runner, identity, [summary.format, summary.reportId, hash]);
      if (!winner) throw error;
      return winner;
    }
    for (const check of checks) await openControlBreak(runner, id, summary, check);
    await openUnknownTypeBreaks(runner, id, summary);
    await openUnexpectedFeeBreaks(runner, id, summary);
    await openDuplicateBreaks(runner, id, summary);
    if (!checks.length && onImported) await onImported(runner, { importId: id, summary });
    await runner.commitTransaction();
    return {
      status: checks.length ? 'CONTROL_TOTAL_FAILED' : 'IMPORTED', importId: id, reportId: summary.reportId, lines: summary.lineCount,
      difference: summary.controlActual - summary.controlExpected,
    };
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function failingChecks(summary: ReportSummary): ControlCheck[] {
  const main: ControlCheck = { name: 'control total', lineage: 'report', expected: summary.controlExpected, actual: summary.controlActual };
  return [main, ...(summary.checks ?? [])].filter((check) => check.expected !== check.actual);
}

async function openControlBreak(runner: QueryRunner, importId: string, summary: ReportSummary, check: ControlCheck): Promise<void> {
  const difference = check.actual - check.expected;
  const money = (amount: bigint) => `${formatDecimal({ amount, currency: summary.currency })} ${summary.currency}`;
  await runner.query(`
    INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation, import_id)
    VALUES ($1, 'CONTROL_TOTAL', $2, $3, $4, $5, $6)`, [
    `CONTROL_TOTAL:${summary.format}:${summary.reportId}:${check.name}`, difference.toString(), summary.currency, summary.channel,
    `${summary.format} report ${summary.reportId}, ${check.name} (${check.lineage}): stated ${money(check.expected)}, its lines give ${money(check.actual)}, a difference of ${money(difference)}`,
    importId,
  ]);
}

/** A line whose provider type the hub does not know is a break with its exact amount, never dropped or folded into a parent. */
async function openUnknownTypeBreaks(runner: QueryRunner, importId: string, summary: ReportSummary): Promise<void> {
  await runner.query(`
    INSERT INTO settlement_breaks (break_key, category, amount, currency, channel, explanation, import_id, component_id)
    SELECT 'UNKNOWN_FEE_TYPE:' || c.id, 'UNKNOWN_FEE_TYPE', c.amount, c.currency, c.channel,
      $2 || ' line ' || c.lineage || ' has the type "' || c.provider_key || '", which the hub does not know; amount '
        || c.amount || ' minor units of ' || c.currency || ' awaits a mapping',
      c.import_id, c.id
    FROM settlement_components c WHERE c.import_id = $1 AND c.component = 'UNKNOWN'`, [importId, summary.format]);
}

/**
 * The import's row, written first so its lines can be copied straight into the ledger under
 * its id; what only the parsed report tells (identity, currency, totals) is filled in once it
 * has been read. With the file's hash known up front, a concurrent import of the same bytes
 * waits here on the unique key and gets null once the first commits.
 */
async function openImport(runner: QueryRunner, format: string, channel: string, fileHash: string | null, importedBy: string): Promise<string | null> {
  const provisional = randomBytes(32).toString('hex');
  const rows: { id: string }[] = await runner.query(`
    INSERT INTO settlement_imports (format, report_id, file_hash, channel, currency, status, control_expected, control_actual, line_count, imported_by)
    VALUES ($1, $2, $3, $4, 'XXX', 'IMPORTED', 0, 0, 0, $5)
    ON CONFLICT (file_hash) DO NOTHING RETURNING id`, [format, `reading:${provisional}`, fileHash ?? provisional, channel, importedBy]);
  return rows[0]?.id ?? null;
}

async function findImport(runner: QueryRunner, where: string, params: unknown[]): Promise<ImportOutcome | null> {
  const rows: { id: string; report_id: string; line_count: number }[] = await runner.query(
    `SELECT id, report_id, line_count FROM settlement_imports WHERE ${where} ORDER BY id LIMIT 1`, params);
  if (!rows.length) return null;
  return { status: 'DUPLICATE', importId: rows[0].id, reportId: rows[0].report_id, lines: rows[0].line_count, difference: 0n };
}
