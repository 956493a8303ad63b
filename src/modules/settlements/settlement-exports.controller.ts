import { Readable } from 'node:stream';
import { Controller, Get, Inject, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { formatDecimal } from '../../canonical/money.js';
import { BREAK_CATEGORIES } from '../../canonical/settlement.js';
import { RequireRole } from '../../platform/auth/roles.guard.js';
import { ApiError } from '../../platform/http/api-error.js';
import { csvRecord } from './csv-writer.js';

type Row = Record<string, string | number | null>;

const PAGE = 2000;
const STATUSES = ['OPEN', 'ACKNOWLEDGED', 'RESOLVED'];
const KINDS = ['ORDER_LINE', 'PAYOUT_BANK', 'ORDER_ERP', 'REFUND'];

const BREAK_COLUMNS = [
  'break_id', 'category', 'status', 'channel', 'currency', 'amount', 'amount_minor', 'opened_at', 'age_days', 'status_by', 'status_at', 'note',
  'explanation', 'settlement_id', 'line_id', 'match_id',
];
const MATCH_COLUMNS = [
  'match_id', 'kind', 'rule', 'tolerance_used_minor', 'matched_at', 'line_id', 'side', 'component', 'fee_type', 'channel', 'order_ref', 'payout_ref',
  'transaction_ref', 'currency', 'amount', 'amount_minor', 'lineage',
];

const decimal = (minor: unknown, currency: unknown) => formatDecimal({ amount: BigInt(minor as string), currency: currency as string });
const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : '');

/**
 * Breaks and matches for finance as CSV, streamed: the rows are read a page at a time by
 * keyset and written as they come, so an export of millions of lines holds one page.
 * Amounts come twice: as a decimal in the currency and in minor units.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/settlements')
export class SettlementExportsController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  @Get('breaks.csv')
  @RequireRole('reader')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Breaks as CSV; status (default: all), category and channel filter them' })
  breaks(@Query('status') status?: string, @Query('category') category?: string, @Query('channel') channel?: string): StreamableFile {
    if (status !== undefined && !STATUSES.includes(status)) throw new ApiError(400, 'VALIDATION_FAILED', `status must be one of ${STATUSES.join(', ')}`, 'status');
    if (category !== undefined && !(BREAK_CATEGORIES as readonly string[]).includes(category)) {
      throw new ApiError(400, 'VALIDATION_FAILED', `category must be one of ${BREAK_CATEGORIES.join(', ')}`, 'category');
    }
    const rows = this.pages(`
      SELECT b.id::text AS id, b.category, b.status, b.channel, b.currency, b.amount::text AS amount, b.opened_at, b.status_by, b.status_at, b.note,
        b.explanation, b.import_id::text AS import_id, b.component_id::text AS component_id, b.match_id::text AS match_id,
        floor(extract(epoch FROM now() - b.opened_at) / 86400)::int AS age_days
      FROM settlement_breaks b
      WHERE b.id > $1 AND ($2::text IS NULL OR b.status = $2) AND ($3::text IS NULL OR b.category = $3) AND ($4::text IS NULL OR b.channel = $4)
      ORDER BY b.id LIMIT ${PAGE}`, [status ?? null, category ?? null, channel ?? null], (r) => r.id as string);
    return file('breaks.csv', BREAK_COLUMNS, rows, (r) => [
      r.id, r.category, r.status, r.channel, r.currency, decimal(r.amount, r.currency), r.amount, iso(r.opened_at), r.age_days as number, r.status_by,
      iso(r.status_at), r.note, r.explanation, r.import_id, r.component_id, r.match_id,
    ]);
  }

  @Get('matches.csv')
  @RequireRole('reader')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Matches as CSV, one row per matched line; kind filters them' })
  matches(@Query('kind') kind?: string): StreamableFile {
    if (kind !== undefined && !KINDS.includes(kind)) throw new ApiError(400, 'VALIDATION_FAILED', `kind must be one of ${KINDS.join(', ')}`, 'kind');
    const rows = this.pages(`
      SELECT m.id::text AS match_id, m.kind, m.rule, m.tolerance_used::text AS tolerance_used, m.matched_at, c.id::text AS id, c.side, c.component,
        c.fee_type, c.channel, c.order_ref, c.payout_ref, c.transaction_ref, c.currency, c.amount::text AS amount, c.lineage,
        (m.id::text || ':' || c.id::text) AS cursor_key
      FROM settlement_match_items i JOIN settlement_matches m ON m.id = i.match_id JOIN settlement_components c ON c.id = i.component_id
      WHERE (i.match_id, i.component_id) > (split_part($1, ':', 1)::bigint, split_part($1, ':', 2)::bigint) AND ($2::text IS NULL OR m.kind = $2)
      ORDER BY i.match_id, i.component_id LIMIT ${PAGE}`, [kind ?? null], (r) => r.cursor_key as string, '0:0');
    return file('matches.csv', MATCH_COLUMNS, rows, (r) => [
      r.match_id, r.kind, r.rule, r.tolerance_used, iso(r.matched_at), r.id, r.side, r.component, r.fee_type, r.channel, r.order_ref, r.payout_ref,
      r.transaction_ref, r.currency, decimal(r.amount, r.currency), r.amount, r.lineage,
    ]);
  }

  /** Keyset pages: $1 is the last key seen, the rest are the caller's parameters. */
  private async *pages(sql: string, params: unknown[], keyOf: (row: Row) => string, start = '0'): AsyncGenerator<Row> {
    let after = start;
    for (;;) {
      const rows: Row[] = await this.db.query(sql, [after, ...params]);
      yield* rows;
      if (rows.length < PAGE) return;
      after = keyOf(rows[rows.length - 1]);
    }
  }
}

function file(name: string, header: readonly string[], rows: AsyncGenerator<Row>, fields: (row: Row) => (string | number | null | undefined)[]): StreamableFile {
  async function* records(): AsyncGenerator<string> {
    yield csvRecord(header);
    for await (const row of rows) yield csvRecord(fields(row));
  }
  return new StreamableFile(Readable.from(records()), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${name}"` });
}
