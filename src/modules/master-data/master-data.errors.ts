import { ApiError } from '../../platform/http/api-error.js';
import type { FieldError } from './mapping-kinds.js';

/**
 * Every expected failure of the mapping store, with its status. A Record over the code
 * union makes a code without a status a compile error.
 * @since 0.2.0
 */
export type MappingErrorCode =
  | 'VALIDATION_FAILED'
  | 'MAPPING_NOT_FOUND'
  | 'MAPPING_EXISTS'
  | 'MAPPING_RETIRED'
  | 'MAPPING_CHANGED_CONCURRENTLY'
  | 'CSV_INVALID'
  | 'IMPORT_INVALID';

const STATUS: Record<MappingErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MAPPING_NOT_FOUND: 404,
  MAPPING_EXISTS: 409,
  MAPPING_RETIRED: 409,
  MAPPING_CHANGED_CONCURRENTLY: 409,
  CSV_INVALID: 400,
  IMPORT_INVALID: 400,
};

export function mappingError(code: MappingErrorCode, message: string, field?: string): ApiError {
  return new ApiError(STATUS[code], code, message, field);
}

/** One 400 naming the first bad field, with every reason in the message. */
export function validationError(errors: readonly FieldError[]): ApiError {
  const message = errors.map((e) => `${e.field} ${e.reason}`).join('; ');
  return mappingError('VALIDATION_FAILED', message || 'invalid', errors[0]?.field);
}

/** A bad row of an import: 1-based among the data rows (the header is not counted). */
export interface ImportRowError {
  readonly row: number;
  /** The physical line where the row starts (the header is line 1), for editors. */
  readonly line: number;
  readonly field: string;
  readonly reason: string;
}

/** An import refused as a whole; the controller puts `errors` in the 400 body. */
export class ImportRejectedError extends ApiError {
  constructor(readonly errors: readonly ImportRowError[]) {
    const rows = [...new Set(errors.map((e) => e.row))];
    const shown = errors.slice(0, 20).map((e) => `row ${e.row} ${e.field}: ${e.reason}`).join('; ');
    super(
      STATUS.IMPORT_INVALID,
      'IMPORT_INVALID',
      `nothing was imported: ${rows.length} row(s) are invalid: ${shown}${errors.length > 20 ? '; …' : ''}`,
      'body',
    );
    this.name = 'ImportRejectedError';
  }
}

/** PostgreSQL error codes the store turns into answers instead of 500s. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_CHECK_VIOLATION = '23514';
const PG_SERIALIZATION = ['40001', '40P01'];

/**
 * A constraint that fired despite the checks made under lock means another writer got
 * there first (a concurrent create of the same key): a 409 the caller may retry.
 */
export function translateDbError(error: unknown): unknown {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } })?.driverError?.code ?? (error as { code?: unknown })?.code;
  if (code === PG_UNIQUE_VIOLATION) {
    return mappingError('MAPPING_EXISTS', 'a current mapping for this key was created at the same time; read it and retry', 'sourceValue');
  }
  if (code === PG_CHECK_VIOLATION || (typeof code === 'string' && PG_SERIALIZATION.includes(code))) {
    return mappingError('MAPPING_CHANGED_CONCURRENTLY', 'the mapping changed while this request ran; retry it');
  }
  return error;
}
