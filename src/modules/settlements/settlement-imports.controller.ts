import { Controller, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CsvError } from 'csv-parse';
import { DataSource } from 'typeorm';
import { ReportFormatError } from '../../adapters/payments/report-parser.js';
import { MoneyError } from '../../canonical/money.js';
import { RequireRole, type AuthenticatedRequest } from '../../platform/auth/roles.guard.js';
import { TakesTextBody } from '../../platform/http/admin-input.interceptor.js';
import { ApiError } from '../../platform/http/api-error.js';
import { streamedBody } from '../../platform/http/body-parsers.js';
import { BankStatementCsvParser } from '../../adapters/payments/bank-statement-csv.js';
import { bankUploadColumns, type BankUploadQuery } from './bank-upload-columns.js';
import { hashedUpload } from './hashed-upload.js';
import { UPLOAD_FORMATS, type UploadFormat } from './report-formats.js';
import { SettlementJournalsService } from './journals/settlement-journals.service.js';
import { importReport } from './settlement-importer.js';
import { SettlementMatchingService, type MatchingRun } from './settlement-matching.service.js';

export interface ImportAnswer {
  readonly status: 'IMPORTED' | 'CONTROL_TOTAL_FAILED' | 'DUPLICATE';
  readonly importId: string;
  readonly reportId: string;
  readonly lines: number;
  /** actual − expected of the control total, minor units as a decimal string. */
  readonly difference: string;
  readonly breaks: { category: string; amount: string; currency: string; explanation: string }[];
}

const FILE_NAME = /^[\w.\- ]{1,200}$/;
const BANK = 'BANK_CSV';

/** A bank statement is of one account (its channel `BANK:<account>`), read with that account's column map. */
function bankFormat(query: BankUploadQuery): UploadFormat {
  const { account, map } = bankUploadColumns(query);
  return { channel: `BANK:${account}`, parser: (source) => new BankStatementCsvParser(source, map) };
}

/**
 * Operators upload a provider's settlement report; it is parsed and imported as it arrives,
 * so a report of hundreds of megabytes never sits whole in memory.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/settlements')
export class SettlementImportsController {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SettlementMatchingService) private readonly matching: SettlementMatchingService,
    @Inject(SettlementJournalsService) private readonly journals: SettlementJournalsService,
  ) {}

  @Post('match')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Run one matching pass over the ledger (orders, ERP, refunds, fee types, payouts, bank) and say what it did' })
  match(): Promise<MatchingRun> {
    return this.matching.run();
  }

  @Post('imports')
  @HttpCode(200)
  @RequireRole('operator')
  @TakesTextBody()
  @ApiOperation({
    summary: `Import a settlement report (the body, streamed). format: ${[...Object.keys(UPLOAD_FORMATS), BANK].join(', ')}; fileName names the lines' lineage. `
      + 'BANK_CSV takes bankAccount and its column map as query parameters: date, amount (or credit and debit), currency (or accountCurrency), '
      + 'reference, description, dateFormat, delimiter, decimal',
  })
  async upload(
    @Req() request: AuthenticatedRequest, @Query() query: BankUploadQuery & { format?: string; fileName?: string },
  ): Promise<ImportAnswer> {
    const { format, fileName } = query;
    const chosen = format === BANK ? bankFormat(query) : format === undefined ? undefined : UPLOAD_FORMATS[format];
    if (!chosen) throw new ApiError(400, 'VALIDATION_FAILED', `format must be one of ${[...Object.keys(UPLOAD_FORMATS), BANK].join(', ')}`, 'format');
    if (fileName !== undefined && !FILE_NAME.test(fileName)) throw new ApiError(400, 'VALIDATION_FAILED', 'fileName must be 1 to 200 letters, digits, spaces, dots, dashes or underscores', 'fileName');
    // The hash is known once the last byte has gone through; the importer asks for it only then.
    const { input, digest: fileHash } = hashedUpload(streamedBody(request));
    const source = { fileName: fileName ?? 'upload', channel: chosen.channel, get fileHash() { return fileHash(); } };
    try {
      const outcome = await importReport(this.db, {
        parser: chosen.parser(source), input, channel: chosen.channel, fileHash, importedBy: request.apiKey?.name ?? 'unknown',
        onImported: (runner, imported) => this.journals.imported(runner, imported),
      });
      const breaks: ImportAnswer['breaks'] = outcome.status === 'DUPLICATE' ? [] : await this.db.query(
        `SELECT category, amount::text AS amount, currency, explanation FROM settlement_breaks WHERE import_id = $1 ORDER BY id`, [outcome.importId]);
      return { ...outcome, difference: outcome.difference.toString(), breaks };
    } catch (error) {
      throw reportError(error);
    }
  }
}

/** A report that cannot be read is the uploader's to fix: 422 naming the line and column. */
function reportError(error: unknown): unknown {
  if (error instanceof ReportFormatError) return new ApiError(422, 'REPORT_INVALID', error.message, error.field);
  if (error instanceof MoneyError || error instanceof CsvError || error instanceof SyntaxError) {
    return new ApiError(422, 'REPORT_INVALID', (error as Error).message, 'body');
  }
  return error;
}
