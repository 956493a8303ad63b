/**
 * How a sales order already in Business Central differs from the one the hub would create: what
 * a PATCH may still change and what it cannot (customer, currency, lines).
 */
import { BcDecimal, DECIMAL } from './bc-json.js';
import type { BcMappingOptions, BcSalesOrderBody, BcSalesOrderHeader } from './bc.mapper.js';

type Json = Record<string, unknown>;

/** A decimal text without sign noise, leading or trailing zeros: "019.900" → "19.9", "-0.0" → "0". */
function canonicalDecimal(text: string): string | undefined {
  const m = /^(-)?0*(\d*?)(?:\.(\d*?)0*)?$/.exec(text);
  if (!m || !DECIMAL.test(text)) return undefined;
  const whole = m[2] === '' ? '0' : m[2];
  const fraction = m[3] ?? '';
  const body = fraction === '' ? whole : `${whole}.${fraction}`;
  return m[1] && body !== '0' ? `-${body}` : body;
}

/** Whether a number BC sent (parsed from JSON) is the decimal we sent. Absent counts as zero. */
export function sameDecimal(sent: BcDecimal, received: unknown): boolean {
  const text = typeof received === 'number' ? String(received) : typeof received === 'string' ? received : received === undefined ? '0' : '';
  const a = canonicalDecimal(sent.text);
  return a !== undefined && a === canonicalDecimal(text);
}

const upper = (v: unknown): string => (typeof v === 'string' ? v.trim().toUpperCase() : '');

export interface BcOrderComparison {
  /** Header fields that differ and may be changed with a PATCH. */
  readonly patch: Partial<Pick<BcSalesOrderHeader, 'orderDate'>>;
  /** Differences an update through the API cannot make (customer, currency, lines); empty when none. */
  readonly conflicts: readonly string[];
}

/**
 * How an order already in BC (as GET …/salesOrders?$expand=salesOrderLines shows it) differs from
 * the one we would create. Comment lines are ignored; lines are compared in order on type, item,
 * quantity, unit price, line discount and (when we send one) tax code. The local currency counts
 * the same whether BC shows it as '' or as its code.
 */
export function compareWithExisting(wanted: BcSalesOrderBody, existing: Json, options: BcMappingOptions): BcOrderComparison {
  const conflicts: string[] = [];
  if (wanted.customerNumber !== undefined && upper(existing.customerNumber) !== upper(wanted.customerNumber)) {
    conflicts.push(`customerNumber is ${JSON.stringify(existing.customerNumber)}, the hub has ${JSON.stringify(wanted.customerNumber)}`);
  }
  if (wanted.customerId !== undefined && upper(existing.customerId) !== upper(wanted.customerId)) {
    conflicts.push(`customerId is ${JSON.stringify(existing.customerId)}, the hub has ${JSON.stringify(wanted.customerId)}`);
  }
  const lcy = options.localCurrency.trim().toUpperCase();
  const currencyOf = (code: unknown): string => (upper(code) === lcy ? '' : upper(code));
  if (currencyOf(existing.currencyCode) !== currencyOf(wanted.currencyCode)) {
    conflicts.push(`currencyCode is ${JSON.stringify(existing.currencyCode)}, the hub has ${JSON.stringify(wanted.currencyCode || lcy)}`);
  }

  const lines = Array.isArray(existing.salesOrderLines)
    ? (existing.salesOrderLines as unknown[]).filter((l): l is Json => l !== null && typeof l === 'object' && (l as Json).lineType !== 'Comment')
    : undefined;
  if (lines === undefined) {
    conflicts.push('the order was read without its lines');
  } else if (lines.length !== wanted.salesOrderLines.length) {
    conflicts.push(`the order has ${lines.length} lines, the hub has ${wanted.salesOrderLines.length}`);
  } else {
    wanted.salesOrderLines.forEach((want, i) => {
      const have = lines[i];
      const what: string[] = [];
      if (upper(have.lineType ?? 'Item') !== upper(want.lineType)) what.push(`lineType ${JSON.stringify(have.lineType)} ≠ ${JSON.stringify(want.lineType)}`);
      if (want.itemId !== undefined && upper(have.itemId) !== upper(want.itemId)) what.push(`itemId ${JSON.stringify(have.itemId)} ≠ ${JSON.stringify(want.itemId)}`);
      if (want.lineObjectNumber !== undefined && upper(have.lineObjectNumber) !== upper(want.lineObjectNumber)) {
        what.push(`lineObjectNumber ${JSON.stringify(have.lineObjectNumber)} ≠ ${JSON.stringify(want.lineObjectNumber)}`);
      }
      if (!sameDecimal(want.quantity, have.quantity)) what.push(`quantity ${String(have.quantity)} ≠ ${want.quantity.text}`);
      if (!sameDecimal(want.unitPrice, have.unitPrice)) what.push(`unitPrice ${String(have.unitPrice)} ≠ ${want.unitPrice.text}`);
      if (!sameDecimal(want.discountAmount, have.discountAmount)) what.push(`discountAmount ${String(have.discountAmount)} ≠ ${want.discountAmount.text}`);
      if (want.taxCode !== undefined && upper(have.taxCode) !== upper(want.taxCode)) what.push(`taxCode ${JSON.stringify(have.taxCode)} ≠ ${JSON.stringify(want.taxCode)}`);
      if (what.length > 0) conflicts.push(`line ${i + 1}: ${what.join(', ')}`);
    });
  }

  const patch = typeof existing.orderDate === 'string' && existing.orderDate !== wanted.orderDate ? { orderDate: wanted.orderDate } : {};
  return { patch, conflicts };
}
