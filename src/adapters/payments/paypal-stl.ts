import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { isCurrencyCode } from '../../canonical/money.js';
import { type ControlCheck, type ReportSummary, type SettlementComponent } from '../../canonical/settlement.js';
import { paypalComponent } from './paypal-stl-codes.js';
import { buffered, ReportFormatError, type ReportParser, type ReportSource } from './report-parser.js';

/** Per currency: the footer's four totals and the balance it starts and ends at, all in minor units. */
interface Totals { grossCredit: bigint; grossDebit: bigint; feeCredit: bigint; feeDebit: bigint }
interface Footer extends Totals { begin: bigint; end: bigint }

const ZERO: Totals = { grossCredit: 0n, grossDebit: 0n, feeCredit: 0n, feeDebit: 0n };
const STL_TIME = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2}):?(\d{2})$/;

/**
 * PayPal's Settlement report (STL): CSV records led by their row type. RH report header, FH file
 * header, SH section header (period and account), CH the section's column names, SB one
 * transaction, SF section footer (per currency: total gross credit, gross debit, fee credit,
 * fee debit, then the beginning and ending balance each with its CR/DR), SC the section's
 * record count, RF/RC the same for the whole report, FF the file footer. Amounts are unsigned
 * minor units; the sign is the row's CR/DR. SB columns are read by the CH names, whitespace
 * normalised ("Transaction  Debit or Credit" comes with two spaces).
 *
 * Control totals: each SF's totals against its SB rows, the balance identity beginning + Σ net
 * = ending (the report's main total), and RF against the whole report; a failure is a
 * CONTROL_TOTAL break. Record counts (SC, RC) and a missing FF mean the file is incomplete:
 * refused whole, since a truncated file is not a report.
 *
 * The SF/RF field order is that of published STL samples (currency, four totals, then CR/DR and
 * amount pairs); the shared contract names the columns of SB only. Fields after the ending
 * balance (available balances, counts) are not read.
 */
export class PaypalStlParser implements ReportParser {
  readonly format = 'PAYPAL_STL' as const;
  private result: ReportSummary | null = null;

  constructor(private readonly source: ReportSource) {}

  async *components(input: Readable): AsyncGenerator<SettlementComponent[]> {
    const { fileName, channel } = this.source;
    let account: string | null = null;
    let period: string | null = null;
    let fileSequence = '';
    let columns: Map<string, number> | null = null;
    let currency: string | null = null;
    const checks: ControlCheck[] = [];
    let section: Totals = { ...ZERO };
    let report: Totals = { ...ZERO };
    let sectionRows = 0;
    let reportRows = 0;
    let sections = 0;
    let sectionNet = 0n;
    let begin = 0n;
    let end = 0n;
    let net = 0n;
    let footers = 0;
    let fileFooter = false;
    const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true }));
    for await (const records of buffered<{ record: string[]; info: { lines: number } }>(parser)) {
      const out: SettlementComponent[] = [];
      for (const { record, info } of records) {
        const line = info.lines;
        const lineage = `${fileName}:${line}`;
        const type = record[0]?.trim();
        if (fileFooter) throw new ReportFormatError(`a ${type} row after the file footer`, lineage, 'row type');
        switch (type) {
          case 'RH':
            break;
          case 'FH':
            fileSequence = (record[1] ?? '').trim();
            break;
          case 'SH': {
            account = field(record, 3, lineage, 'Account ID');
            // The day as PayPal states it, in the account's own offset: the report's identity must not shift with time zones.
            period = field(record, 1, lineage, 'Report Period Start Date');
            stlTime(period, lineage, 'Report Period Start Date');
            period = period.slice(0, 10).replaceAll('/', '-');
            columns = null;
            section = { ...ZERO };
            sectionRows = 0;
            sectionNet = 0n;
            footers = 0;
            sections += 1;
            break;
          }
          case 'CH':
            columns = new Map(record.slice(1).map((name, i) => [name.replace(/\s+/g, ' ').trim(), i + 1]));
            break;
          case 'SB': {
            if (!columns) throw new ReportFormatError('a transaction before its column header (CH)', lineage, 'CH');
            const value = (name: string) => (record[columns!.get(name) ?? -1] ?? '').trim();
            const need = (name: string) => value(name) || missing(name, lineage);
            const code = need('Transaction Event Code');
            const rowCurrency = need('Gross Transaction Currency');
            if (!isCurrencyCode(rowCurrency)) throw new ReportFormatError(`not a currency code: ${rowCurrency}`, lineage, 'Gross Transaction Currency');
            if (currency !== null && rowCurrency !== currency) {
              throw new ReportFormatError(`a ${rowCurrency} transaction in a ${currency} report: import one currency per file`, lineage, 'Gross Transaction Currency');
            }
            currency = rowCurrency;
            const grossSide = side(need('Transaction Debit or Credit'), lineage, 'Transaction Debit or Credit');
            const gross = parseMinorUnits(need('Gross Transaction Amount'), lineage, 'Gross Transaction Amount');
            const feeText = value('Fee Amount') || '0';
            const feeSide = feeText === '0' && !value('Fee Debit or Credit') ? 'CR' : side(need('Fee Debit or Credit'), lineage, 'Fee Debit or Credit');
            const fee = parseMinorUnits(feeText, lineage, 'Fee Amount');
            if (value('Fee Currency') && value('Fee Currency') !== currency) throw new ReportFormatError(`fee in ${value('Fee Currency')}, the transaction in ${currency}`, lineage, 'Fee Currency');
            if (grossSide === 'CR') section.grossCredit += gross; else section.grossDebit += gross;
            if (feeSide === 'CR') section.feeCredit += fee; else section.feeDebit += fee;
            const signedGross = grossSide === 'CR' ? gross : -gross;
            const signedFee = feeSide === 'CR' ? fee : -fee;
            sectionNet += signedGross + signedFee;
            sectionRows += 1;
            reportRows += 1;
            const id = need('Transaction ID');
            const kind = paypalComponent(code);
            const when = stlTimeOrNull(value('Transaction Completion Date'), lineage) ?? stlTimeOrNull(value('Transaction Initiation Date'), lineage);
            const reference = value('PayPal Reference ID');
            const base = {
              side: 'REPORTED' as const, lineage: `${lineage}:${id}`, orderRef: value('Invoice ID') || null,
              transactionRef: reference && value('PayPal Reference ID Type') === 'TXN' ? reference : id, pspReference: id,
              payoutRef: null as string | null, currency, eventAt: when, postedAt: when, payoutStatus: null,
            };
            if (kind === 'PAYOUT') {
              // A withdrawal to the bank: the money the bank should see, positive, and the payout it is.
              out.push({ ...base, component: 'PAYOUT', feeType: null, providerKey: code, payoutRef: id, amount: -signedGross, payoutStatus: 'PAID' });
            } else {
              out.push({ ...base, component: kind, feeType: kind === 'FEE' ? `PAYPAL_${code}` : null, providerKey: code, amount: signedGross });
            }
            if (fee !== 0n) out.push({ ...base, component: 'FEE', feeType: `PAYPAL_${code.slice(0, 3)}_FEE`, providerKey: `${code}|fee`, amount: signedFee, payoutRef: kind === 'PAYOUT' ? id : null });
            break;
          }
          case 'SF': {
            const footer = footerOf(record, lineage);
            const name = `section ${sections} (${footer.currency})`;
            for (const [key, label] of [['grossCredit', 'total gross credit'], ['grossDebit', 'total gross debit'], ['feeCredit', 'total fee credit'], ['feeDebit', 'total fee debit']] as const) {
              checks.push({ name: `${name} ${label}`, lineage, expected: footer[key], actual: section[key] });
            }
            begin += footer.begin;
            end += footer.end;
            net += sectionNet;
            currency ??= footer.currency;
            footers += 1;
            report = add(report, section);
            break;
          }
          case 'SC':
            if (count(record, lineage, 'SC') !== sectionRows) throw new ReportFormatError(`the section footer counts ${record[1]} records, the section has ${sectionRows}: the file is incomplete`, lineage, 'SC');
            break;
          case 'RF': {
            const footer = footerOf(record, lineage);
            for (const [key, label] of [['grossCredit', 'total gross credit'], ['grossDebit', 'total gross debit'], ['feeCredit', 'total fee credit'], ['feeDebit', 'total fee debit']] as const) {
              checks.push({ name: `report ${label}`, lineage, expected: footer[key], actual: report[key] });
            }
            break;
          }
          case 'RC':
            if (count(record, lineage, 'RC') !== reportRows) throw new ReportFormatError(`the report footer counts ${record[1]} records, the report has ${reportRows}: the file is incomplete`, lineage, 'RC');
            break;
          case 'FF':
            fileFooter = true;
            break;
          default:
            throw new ReportFormatError(`unknown row type ${JSON.stringify(type)}: RH, FH, SH, CH, SB, SF, SC, RF, RC or FF`, lineage, 'row type');
        }
    }
      if (out.length) yield out;
    }
    if (!account || !period) throw new ReportFormatError('no section header (SH): not a Settlement report', `${fileName}:1`, 'SH');
    if (!fileFooter) throw new ReportFormatError('the file has no footer (FF): it is incomplete', `${fileName}:end`, 'FF');
    if (footers === 0 || currency === null) throw new ReportFormatError('no section footer (SF)', `${fileName}:end`, 'SF');
    this.result = {
      format: this.format, reportId: `${account}:${period}${fileSequence ? `:${fileSequence}` : ''}`, channel, currency,
      controlExpected: end, controlActual: begin + net, lineCount: reportRows, checks,
    };
  }

  summary(): ReportSummary {
    if (!this.result) throw new Error('summary() before the report was read to its end');
    return this.result;
  }
}

function add(a: Totals, b: Totals): Totals {
  return { grossCredit: a.grossCredit + b.grossCredit, grossDebit: a.grossDebit + b.grossDebit, feeCredit: a.feeCredit + b.feeCredit, feeDebit: a.feeDebit + b.feeDebit };
}

/** SF and RF: currency, the four totals, then the beginning and ending balance each after its CR/DR; further balances are not used. */
function footerOf(record: string[], lineage: string): Footer & { currency: string } {
  const currency = field(record, 1, lineage, 'Currency');
  if (!isCurrencyCode(currency)) throw new ReportFormatError(`not a currency code: ${currency}`, lineage, 'Currency');
  const amount = (index: number, name: string) => parseMinorUnits(field(record, index, lineage, name), lineage, name);
  const balance = (index: number, name: string) => (side(field(record, index, lineage, `${name} Debit or Credit`), lineage, `${name} Debit or Credit`) === 'CR' ? 1n : -1n) * amount(index + 1, name);
  return {
    currency, grossCredit: amount(2, 'Total Gross Amount Credit'), grossDebit: amount(3, 'Total Gross Amount Debit'), feeCredit: amount(4, 'Total Fee Amount Credit'),
    feeDebit: amount(5, 'Total Fee Amount Debit'), begin: balance(6, 'Beginning Balance'), end: balance(8, 'Ending Balance'),
  };
}

/** Unsigned minor units, digits only: "10000" is 100.00 USD and 10,000 JPY alike. */
function parseMinorUnits(text: string, lineage: string, name: string): bigint {
  if (!/^\d{1,18}$/.test(text)) throw new ReportFormatError(`not an unsigned amount in minor units: ${JSON.stringify(text)}`, lineage, name);
  return BigInt(text);
}

function field(record: string[], index: number, lineage: string, name: string): string {
  const value = record[index]?.trim();
  return value || missing(name, lineage);
}

function missing(name: string, lineage: string): never {
  throw new ReportFormatError(`${name} is empty or missing`, lineage, name);
}

function side(text: string, lineage: string, name: string): 'CR' | 'DR' {
  if (text === 'CR' || text === 'DR') return text;
  throw new ReportFormatError(`must be CR or DR, not ${JSON.stringify(text)}`, lineage, name);
}

function count(record: string[], lineage: string, type: string): number {
  const text = field(record, 1, lineage, `${type} record count`);
  if (!/^\d+$/.test(text)) throw new ReportFormatError(`not a record count: ${JSON.stringify(text)}`, lineage, type);
  return Number(text);
}

/** "2026/03/10 08:15:00 -0700", PayPal's rendering with the account's offset. */
function stlTime(text: string, lineage: string, name: string): Date {
  const match = STL_TIME.exec(text);
  if (!match) throw new ReportFormatError(`not a "YYYY/MM/DD HH:MM:SS ±HHMM" time: ${JSON.stringify(text)}`, lineage, name);
  const [, y, mo, d, h, mi, s, sign, oh, om] = match;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${sign}${oh}:${om}`);
}

function stlTimeOrNull(text: string, lineage: string): Date | null {
  return text ? stlTime(text, lineage, 'Transaction Completion Date') : null;
}
