import { Inject, Injectable } from '@nestjs/common';
import { jsonProblem, textProblem } from '../../platform/http/input-checks.js';
import { CSV_COLUMNS, CsvSyntaxError, checkHeader, mappingRows, mappingsToCsv, parseCsv } from './mapping-csv.js';
import { checkDraft, sameTarget, type DraftFieldNames, type MappingDraft } from './mapping-kinds.js';
import { ImportRejectedError, mappingError, type ImportRowError } from './master-data.errors.js';
import type { MappingFilter, MappingIdentity, MappingVersion, NextVersion } from './mapping-store.js';
import { MappingService, groupOf, type MappingContext, type WriteContext } from './mapping.service.js';

/** Errors name the CSV column, not the JSON field. */
const CSV_FIELDS: DraftFieldNames = {
  kind: 'kind', channel: 'channel', account: 'account', erpTarget: 'erp_target', sourceValue: 'source_value', target: 'target', note: 'note',
};

/** What an import did, row by row counted. */
export interface ImportSummary {
  readonly rows: number;
  /** New mappings (version 1), and retired ones brought back. */
  readonly created: number;
  /** Existing mappings given a new target (a new version). */
  readonly updated: number;
  /** Rows that matched the current mapping exactly: nothing written. */
  readonly unchanged: number;
}

interface ValidRow {
  readonly row: number;
  readonly line: number;
  readonly draft: MappingDraft;
}

const identityId = (m: MappingIdentity) => JSON.stringify([m.kind, m.channel, m.account ?? '', m.erpTarget ?? '', m.sourceValue]);

/**
 * Bulk CSV import, all or nothing. Every row is checked before anything is written, and
 * every bad row is reported (1-based data row, header not counted, with its line). A row
 * whose key (kind, channel, account, erp_target, source_value) has a current mapping
 * updates it as a new version, or changes nothing when the target is the same, so an
 * export re-imported is a no-op; a retired key is revived. The writes run in one
 * transaction under row locks; a concurrent create of the same key fails the import
 * with a 409 rather than half-applying it.
 * @since 0.2.0
 */
@Injectable()
export class MappingImportService {
  constructor(@Inject(MappingService) private readonly mappings: MappingService) {}

  async importCsv(ctx: WriteContext, csv: unknown): Promise<ImportSummary> {
    const rows = this.validate(csv);
    const unknown = new Set(await this.mappings.unknownTargets(rows.map((r) => r.draft.erpTarget)));
    const badTargets = rows.filter((r) => r.draft.erpTarget !== null && unknown.has(r.draft.erpTarget));
    if (badTargets.length > 0) {
      throw new ImportRejectedError(badTargets.map((r) => ({ row: r.row, line: r.line, field: 'erp_target', reason: `ERP target ${r.draft.erpTarget} does not exist` })));
    }
    let touched: MappingVersion[] = [];
    const summary = await this.mappings.write(async (store) => {
      const current = new Map((await store.lockCurrent(rows.map((r) => r.draft))).map((m) => [identityId(m), m]));
      const next: NextVersion[] = [];
      let created = 0;
      let unchanged = 0;
      for (const { draft } of rows) {
        const existing = current.get(identityId(draft));
        if (existing && !existing.retired && sameTarget(existing.target, draft.target)) {
          unchanged += 1;
          continue;
        }
        if (!existing || existing.retired) created += 1;
        next.push({ ...draft, mappingKey: existing?.mappingKey ?? null, version: (existing?.version ?? 0) + 1, retired: false });
      }
      const at = await store.now();
      await store.close(next.flatMap((n) => (n.mappingKey ? [current.get(identityId(n))!.id] : [])), at);
      touched = await store.insert(next, ctx.actor, at);
      return { rows: rows.length, created, updated: next.length - created, unchanged };
    });
    await this.mappings.changed(touched.map(groupOf));
    return summary;
  }

  /** The current mappings as CSV, in the import format. */
  async exportCsv(ctx: MappingContext, filter: MappingFilter = {}): Promise<string> {
    const mappings = await this.mappings.list(ctx, { ...filter, includeRetired: false, limit: undefined, offset: undefined });
    return mappingsToCsv(mappings);
  }

  private validate(csv: unknown): ValidRow[] {
    if (typeof csv !== 'string' || csv.trim() === '') {
      throw mappingError('CSV_INVALID', `send the CSV as the body with Content-Type: text/csv; the first line is ${CSV_COLUMNS.join(',')}`, 'body');
    }
    let records;
    try {
      records = parseCsv(csv);
    } catch (error) {
      if (error instanceof CsvSyntaxError) throw mappingError('CSV_INVALID', `the CSV is malformed at ${error.message}`, 'body');
      throw error;
    }
    const headerProblem = checkHeader(records[0]?.fields ?? []);
    if (headerProblem) throw mappingError('CSV_INVALID', headerProblem, 'header');
    const parsed = mappingRows(records);
    if (parsed.length === 0) throw mappingError('CSV_INVALID', 'the CSV has a header but no rows', 'body');

    const errors: ImportRowError[] = [];
    const valid: ValidRow[] = [];
    const seen = new Map<string, number>();
    for (const { row, line, values, error } of parsed) {
      if (!values) {
        errors.push({ row, line, field: 'row', reason: error ?? 'unreadable' });
        continue;
      }
      // Every cell as the JSON API checks its fields: a NUL or control character is named by row and column here, not a 500 from SQL.
      const cells = CSV_COLUMNS.flatMap((column) => {
        const reason = textProblem(values[column], { prose: column === 'note' || column === 'target' });
        return reason ? [{ row, line, field: column, reason }] : [];
      });
      if (cells.length > 0) {
        errors.push(...cells);
        continue;
      }
      let target: unknown = values.target;
      try {
        target = values.target.trim() === '' ? undefined : JSON.parse(values.target);
      } catch {
        errors.push({ row, line, field: 'target', reason: 'is not JSON; write the target as a JSON object, e.g. {"itemId":"ITEM-1"}' });
        continue;
      }
      const inTarget = target === undefined ? null : jsonProblem(target, 'target');
      if (inTarget) {
        errors.push({ row, line, ...inTarget });
        continue;
      }
      const checked = checkDraft(
        {
          kind: values.kind.trim(), channel: values.channel.trim(), account: values.account.trim(), erpTarget: values.erp_target.trim(),
          sourceValue: values.source_value, target, note: values.note,
        },
        CSV_FIELDS,
      );
      if (!checked.ok) {
        errors.push(...checked.errors.map((e) => ({ row, line, field: e.field, reason: e.reason })));
        continue;
      }
      const id = identityId(checked.value);
      const first = seen.get(id);
      if (first !== undefined) {
        errors.push({ row, line, field: 'source_value', reason: `repeats the key of row ${first} (kind, channel, account, erp_target, source_value)` });
        continue;
      }
      seen.set(id, row);
      valid.push({ row, line, draft: checked.value });
    }
    if (errors.length) throw new ImportRejectedError(errors);
    return valid;
  }
}
