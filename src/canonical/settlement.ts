/**
 * Settlements in the canonical language: what a channel or payment provider reports it paid,
 * and what the hub expects, as typed components in bigint minor units.
 */
import { currencyExponent, MoneyError } from './money.js';

export const SETTLEMENT_FORMATS = ['AMAZON_V2', 'SHOPIFY_PAYMENTS', 'STRIPE', 'ADYEN', 'PAYPAL_STL', 'BANK_CSV'] as const;
export type SettlementFormat = (typeof SETTLEMENT_FORMATS)[number];

export const COMPONENT_KINDS = [
  'PRINCIPAL', 'TAX', 'SHIPPING', 'DISCOUNT', 'FEE', 'REFUND', 'GIFT_CARD', 'RESERVE_HOLD', 'RESERVE_RELEASE',
  'CHARGEBACK', 'CHARGEBACK_FEE', 'ADJUSTMENT', 'PAYOUT', 'BANK_DEPOSIT', 'UNKNOWN',
] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

export type ComponentSide = 'EXPECTED' | 'REPORTED';

export const BREAK_CATEGORIES = [
  'MISSING_IN_ERP', 'MISSING_IN_REPORT', 'AMOUNT_MISMATCH', 'UNEXPECTED_FEE', 'UNKNOWN_FEE_TYPE', 'REFUND_NOT_SETTLED',
  'DUPLICATE', 'ORPHAN_REPORT_LINE', 'PAYOUT_MISMATCH', 'CONTROL_TOTAL', 'AMBIGUOUS', 'ROUNDING',
] as const;
export type BreakCategory = (typeof BREAK_CATEGORIES)[number];

export type BreakStatus = 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';

/** One line of the ledger. `lineage` is `file:row` or the provider's own id. */
export interface SettlementComponent {
  readonly side: ComponentSide;
  readonly component: ComponentKind;
  /** Set for FEE (the provider's fee type, mapped to a GL account through FEE_TYPE). */
  readonly feeType: string | null;
  /** The provider's own name for the line, e.g. Amazon's `Order|ItemFees|Commission`. */
  readonly providerKey: string;
  readonly lineage: string;
  readonly orderRef: string | null;
  readonly transactionRef: string | null;
  readonly pspReference: string | null;
  readonly payoutRef: string | null;
  readonly amount: bigint;
  readonly currency: string;
  readonly eventAt: Date | null;
  readonly postedAt: Date | null;
  /** A payout's own status (FAILED payouts never match a bank line). */
  readonly payoutStatus: string | null;
}

/** What a report says about itself once read to the end. */
export interface ReportSummary {
  readonly format: SettlementFormat;
  /** Settlement id, payout id, batch number; the file hash stands in when a format has none. */
  readonly reportId: string;
  readonly channel: string;
  readonly currency: string;
  /** The total the report states, and the sum its lines give: equal when the report is whole. */
  readonly controlExpected: bigint;
  readonly controlActual: bigint;
  readonly lineCount: number;
  /** Further identities a format states (Shopify's payout summary, a line's net = amount − fee). */
  readonly checks?: readonly ControlCheck[];
}

export interface ControlCheck {
  readonly name: string;
  readonly lineage: string;
  readonly expected: bigint;
  readonly actual: bigint;
}

export type DecimalSeparator = '.' | ',';

export class SettlementParseError extends Error {
  constructor(message: string, readonly lineage: string, readonly field: string) {
    super(`${lineage}: ${field}: ${message}`);
    this.name = 'SettlementParseError';
  }
}

const GROUPED = /^(\d{1,3})((?:[.,' \u00a0\u202f]\d{3})+)$/;

/**
 * Parses an amount as reports print it ("1.234,56", "1,234.56", "-95,00", "(12.00)", "12.00-")
 * into minor units, exactly. A lone separator followed by three digits is ambiguous ("1.234"):
 * it is a thousands separator for exponent-0 currencies, and needs `decimal` otherwise.
 */
export function parseLocaleAmount(raw: string, currency: string, decimal?: DecimalSeparator): bigint {
  const exponent = currencyExponent(currency);
  const plain = plainAmount(raw, exponent, decimal);
  if (plain !== null) return plain;
  let text = raw.trim();
  let negative = false;
  if (/^\(.*\)$/.test(text)) [negative, text] = [true, text.slice(1, -1).trim()];
  if (/^[-\u2212]/.test(text)) [negative, text] = [!negative, text.slice(1).trim()];
  else if (text.startsWith('+')) text = text.slice(1).trim();
  if (/-$/.test(text)) [negative, text] = [!negative, text.slice(0, -1).trim()];
  if (!/^\d[\d.,' \u00a0\u202f]*$/.test(text) || !/\d$/.test(text)) throw new MoneyError(`not an amount: ${JSON.stringify(raw)}`);

  const separator = decimal ?? decimalOf(text, exponent, raw);
  let whole = text;
  let fraction = '';
  if (separator) {
    const at = text.lastIndexOf(separator);
    if (at >= 0) [whole, fraction] = [text.slice(0, at), text.slice(at + 1)];
  }
  if (!/^\d*$/.test(fraction)) throw new MoneyError(`not an amount: ${JSON.stringify(raw)}`);
  if (/[^\d]/.test(whole)) {
    if (!GROUPED.test(whole) || new Set(whole.replace(/\d/g, '')).size !== 1) throw new MoneyError(`not an amount: ${JSON.stringify(raw)}`);
    whole = whole.replace(/[^\d]/g, '');
  }
  if (whole === '') whole = '0';
  const kept = fraction.slice(0, exponent).padEnd(exponent, '0');
  if (/[^0]/.test(fraction.slice(exponent))) throw new MoneyError(`${raw} has more precision than ${currency} allows (${exponent} decimals)`);
  const minor = BigInt(whole + kept);
  return negative ? -minor : minor;
}

const PLAIN = /^(-?)(\d+)(?:([.,])(\d+))?$/;
const SCALE = [1n, 10n, 100n, 1000n, 10000n];

/**
 * The shape nearly every report line has ("-95,00", "1234.56", "7"): digits, at most one
 * separator, no grouping. Read here without the general path's regular expressions, with the
 * same answer it would give; anything else (grouping, brackets, more digits than the
 * currency has, an ambiguous three-digit fraction) is left to it (null).
 */
function plainAmount(raw: string, exponent: number, decimal?: DecimalSeparator): bigint | null {
  const match = PLAIN.exec(raw);
  if (!match || exponent >= SCALE.length) return null;
  const [, sign, whole, mark, fraction] = match;
  let minor: bigint;
  if (mark === undefined) minor = BigInt(whole) * SCALE[exponent];
  else {
    if (fraction.length > exponent || (decimal ? mark !== decimal : fraction.length === 3)) return null;
    minor = BigInt(whole + fraction.padEnd(exponent, '0'));
  }
  return sign ? -minor : minor;
}

function decimalOf(text: string, exponent: number, raw: string): DecimalSeparator | null {
  const dot = text.lastIndexOf('.');
  const comma = text.lastIndexOf(',');
  if (dot >= 0 && comma >= 0) return dot > comma ? '.' : ',';
  const at = Math.max(dot, comma);
  if (at < 0) return null;
  const mark = text[at] as DecimalSeparator;
  if (text.indexOf(mark) !== at) return null;
  // "0.001" cannot be grouping: a grouped number never starts with a zero.
  if (text.length - at - 1 !== 3 || text.startsWith('0')) return mark;
  if (exponent === 0) return null;
  throw new MoneyError(`${JSON.stringify(raw)} is ambiguous: say which character is the decimal separator`);
}

/** Minor units of a provider that already reports integers (Stripe, PayPal), refusing anything else. */
export function parseMinorUnits(raw: string, lineage: string, field: string): bigint {
  const text = raw.trim();
  if (!/^-?\d+$/.test(text)) throw new SettlementParseError(`not an integer amount in minor units: ${JSON.stringify(raw)}`, lineage, field);
  return BigInt(text);
}
