import { Controller, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CsvError } from 'csv-parse';
import { DataSource } from 'typeorm';
import { ReportFormatError } from '../../../adapters/payments/report-parser.js';
import { RequireRole, type AuthenticatedRequest } from '../../../platform/auth/roles.guard.js';
import { TakesTextBody } from '../../../platform/http/admin-input.interceptor.js';
import { ApiError } from '../../../platform/http/api-error.js';
import { streamedBody } from '../../../platform/http/body-parsers.js';
import { PostedTotalsReader } from '../../erp-sync/posted-totals.js';
import { hashedUpload } from '../hashed-upload.js';
import { erpExtractColumns, type ErpExtractQuery } from './erp-extract-columns.js';
import { importErpExtract, type ErpExtractOutcome } from './erp-extract-import.js';
import { readErpExtract } from './erp-extract-lines.js';

const FILE_NAME = /^[\w.\- ]{1,200}$/;

/** Finance uploads what an ERP target itself holds, so drift there (a document deleted or changed by hand) shows as breaks. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/settlements')
export class ErpExtractsController {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(PostedTotalsReader) private readonly posted: PostedTotalsReader,
  ) {}

  @Post('erp-extracts')
  @HttpCode(200)
  @RequireRole('operator')
  @TakesTextBody()
  @ApiOperation({
    summary: 'Compare an ERP target\'s own export of its sales documents (CSV body) with what the hub posted there on the same days. '
      + 'target names the ERP target; the columns default to a NetSuite saved search (Document Number, Type, Date, Amount, Currency) and can be named: '
      + 'documentNumber, type, date, amount, currency (or accountCurrency), dateFormat (default MM/DD/YYYY), delimiter, decimal',
  })
  async upload(@Req() request: AuthenticatedRequest, @Query() query: ErpExtractQuery & { fileName?: string }): Promise<ErpExtractOutcome> {
    const { target, columns } = erpExtractColumns(query);
    const { fileName } = query;
    if (fileName !== undefined && !FILE_NAME.test(fileName)) throw new ApiError(400, 'VALIDATION_FAILED', 'fileName must be 1 to 200 letters, digits, spaces, dots, dashes or underscores', 'fileName');
    const { input, digest } = hashedUpload(streamedBody(request));
    try {
      const lines = await readErpExtract(input, fileName ?? 'erp-extract', columns);
      return await importErpExtract(this.db, this.posted, { target, fileHash: digest(), lines, importedBy: request.apiKey?.name ?? 'unknown' });
    } catch (error) {
      if (error instanceof ReportFormatError) throw new ApiError(422, 'REPORT_INVALID', error.message, error.field);
      if (error instanceof CsvError) throw new ApiError(422, 'REPORT_INVALID', error.message, 'body');
      throw error;
    }
  }
}
