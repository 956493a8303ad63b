/**
 * A POS transaction's effect on its store day's cash drawer (docs/contracts/store-pos.md, "Store
 * day"): a sale keeps its cash tenders less their change, a return pays out its cash tenders,
 * paid in and paid out move their amount, a void names what it voids. Pure: no I/O.
 */
import { TILL_KINDS, type TillKind, type TillTransaction } from '../../../canonical/store-day.js';
import { FieldReader, type FieldError } from '../field-reader.js';
import type { PosEnvelope } from './pos-transaction.js';

/** The till transaction of a valid envelope; null when it cannot be read (its own validation says why). */
export function tillOf(channel: string, envelope: PosEnvelope): TillTransaction | null {
  const errors: FieldError[] = [];
  const root = FieldReader.of(envelope, '', errors);
  const t = root?.object('transaction');
  if (!root || !t) return null;
  const currency = root.currency('currency');
  const kind = t.oneOf('type', TILL_KINDS) as TillKind;
  const transactionId = t.text('id', 128);
  const at = t.instant('at');
  if (errors.length > 0) return null;
  const cash = cashOf(kind, t, currency);
  if (errors.length > 0) return null;
  return {
    channel, store: envelope.storeId, transactionId, kind, at, register: envelope.register, currency, cash,
    voids: kind === 'VOID' ? t.optionalText('voids', 128) : null,
  };
}

function cashOf(kind: TillKind, t: FieldReader, currency: string): bigint {
  const cashTenders = () => t.list('tenders', 0, 20).filter((x) => x.optionalText('kind', 32) === 'CASH');
  switch (kind) {
    case 'SALE': return cashTenders().reduce((n, x) => n + x.money('amount', currency).amount - x.money('change', currency, '0').amount, 0n);
    case 'RETURN': return -cashTenders().reduce((n, x) => n + x.money('amount', currency).amount, 0n);
    case 'PAID_IN': return t.money('amount', currency).amount;
    case 'PAID_OUT': return -t.money('amount', currency).amount;
    default: return 0n;
  }
}
