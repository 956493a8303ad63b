/**
 * SQLSTATEs that mean "this row's data is unacceptable": the same statement with the same
 * values fails the same way every time, so retrying it only delays the answer. Class 22
 * (data exception: out of range, NUL in text, bad encoding), NOT NULL and CHECK violations,
 * and class 54 (program limit exceeded: an index entry too large). Unique and foreign-key
 * violations are left out: two workers racing on one order can raise them, and a retry wins.
 */
const DETERMINISTIC = [/^22/, /^23502$/, /^23514$/, /^54/];

interface PgErrorFields {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly constraint?: unknown;
  readonly column?: unknown;
  readonly table?: unknown;
  readonly driverError?: PgErrorFields;
}

/**
 * The reason to keep on a delivery PostgreSQL refused for its data, or null when the error
 * is something else (a transient fault the queue should retry). The error's detail is left
 * out: it can quote the row's values, personal data among them.
 */
export function refusedData(error: unknown): string | null {
  if (error === null || typeof error !== 'object') return null;
  const fields = error as PgErrorFields;
  const pg = typeof fields.driverError?.code === 'string' ? fields.driverError : fields;
  const code = typeof pg.code === 'string' ? pg.code : null;
  if (!code || !DETERMINISTIC.some((pattern) => pattern.test(code))) return null;
  const message = typeof pg.message === 'string' ? pg.message.slice(0, 300) : 'no message';
  const where = [
    typeof pg.table === 'string' ? `table ${pg.table}` : null,
    typeof pg.column === 'string' ? `column ${pg.column}` : null,
    typeof pg.constraint === 'string' ? `constraint ${pg.constraint}` : null,
  ].filter((part): part is string => part !== null);
  return `the database refused this delivery's data (SQLSTATE ${code}${where.length > 0 ? `, ${where.join(', ')}` : ''}): ${message}`;
}

/**
 * A fault of our own pure code on this row's data (a value the mapping cannot take that got
 * past validation): it throws the same way on every retry. Connection and driver faults carry
 * a code and are not among these.
 */
export function failedOnData(error: unknown): string | null {
  if (!(error instanceof RangeError || error instanceof TypeError || error instanceof SyntaxError)) return null;
  if ((error as { code?: unknown }).code !== undefined) return null;
  return `the delivery could not be applied: ${error.message.slice(0, 300)}`;
}
