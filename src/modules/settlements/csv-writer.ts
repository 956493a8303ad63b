/**
 * One CSV record (RFC 4180): fields holding a comma, quote, CR or LF, or starting or ending
 * with a space, are quoted with inner quotes doubled; records end with CRLF. No CSV writer is
 * among the dependencies (csv-parse only reads), and this is all the exports need.
 */
export function csvRecord(fields: readonly (string | number | null | undefined)[]): string {
  return `${fields.map((field) => quote(field === null || field === undefined ? '' : String(field))).join(',')}\r\n`;
}

function quote(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
