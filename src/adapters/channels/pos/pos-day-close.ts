/**
 * The `DAY_CLOSE` transaction (docs/contracts/store-pos.md, "Closing the day"): the store, the
 * business date, the registers it covers, and per currency the opening float and the counted
 * cash. It travels in a batch like any transaction, so it is signed, kept and deduplicated alike.
 */
import { isCurrencyCode } from '../../../canonical/money.js';
import type { StoreDayClose, TillCount } from '../../../canonical/store-day.js';
import { FieldReader, type FieldError } from '../field-reader.js';
import type { PosEnvelope } from './pos-transaction.js';

export const DAY_CLOSE = 'DAY_CLOSE';
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export type DayCloseMeaning = { ok: true; close: StoreDayClose } | { ok: false; errors: FieldError[] };

export const isDayClose = (transaction: unknown): boolean =>
  transaction !== null && typeof transaction === 'object' && (transaction as Record<string, unknown>).type === DAY_CLOSE;

export function understandDayClose(channel: string, envelope: PosEnvelope): DayCloseMeaning {
  const errors: FieldError[] = [];
  const root = FieldReader.of(envelope, '', errors);
  const t = root?.object('transaction');
  if (!root || !t) return { ok: false, errors };
  const closeId = t.text('id', 128);
  const at = t.instant('at');
  const businessDate = t.text('businessDate', 10);
  if (errors.length === 0 && !DATE.test(businessDate)) t.fail('businessDate', 'must be a date YYYY-MM-DD');
  const registers = t.strings('registers', 100);
  const counts = t.list('cash', 1, 20).map((c): TillCount | null => {
    const currency = c.currency('currency');
    if (!isCurrencyCode(currency)) return null;
    return { currency, openingFloat: c.money('openingFloat', currency, '0').amount, counted: c.money('counted', currency).amount };
  });
  const currencies = counts.flatMap((c) => (c ? [c.currency] : []));
  if (new Set(currencies).size !== currencies.length) t.fail('cash', 'names a currency twice');
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, close: { channel, store: envelope.storeId, closeId, businessDate, registers, at, counts: counts as TillCount[] } };
}
