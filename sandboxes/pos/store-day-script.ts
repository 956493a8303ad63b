/**
 * A scripted store day for the POS simulator: what the tills of one store send, in the hub's batch
 * model (docs/contracts/store-pos.md). Sales in cash (with change) and by card, a voided sale, a
 * cash return, paid in and out, a no-sale; sent as a batch, the same batch again (duplicates), a
 * file drop with a bad row, the day close, then a late batch after the close. The simulator's own
 * expected cash, counted and variance are worked out here, in minor units, for a person to compare
 * with the hub's storeDays.
 */
type Json = Record<string, unknown>;

export interface StoreDayPlan {
  readonly businessDate: string;
  /** The store's UTC offset on that day, e.g. "-05:00". */
  readonly offset: string;
  readonly currency: string;
  readonly openingFloat: string;
  /** Minor units the count is off by: positive over, negative short. */
  readonly countDelta: number;
}

export interface StoreDayScript {
  readonly firstBatch: Json[];
  readonly fileDrop: Json[];
  readonly lateBatch: Json[];
  readonly close: Json;
  /** Minor units of the plan's currency. */
  readonly expected: { beforeLate: number; afterLate: number; counted: number };
}

const cents = (decimal: string): number => Math.round(Number(decimal.replace('.', '')) * (decimal.includes('.') ? 10 ** (2 - decimal.split('.')[1].length) : 100));
/** Minor units as a decimal string of two places, without floats. */
export const decimal = (minor: number): string => `${minor < 0 ? '-' : ''}${Math.floor(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, '0')}`;

export function storeDayScript(plan: StoreDayPlan): StoreDayScript {
  const at = (time: string) => `${plan.businessDate}T${time}${plan.offset}`;
  const tag = plan.businessDate.replace(/-/g, '');
  const id = (n: number) => `SIM-${tag}-${n}`;
  const sale = (n: number, time: string, unit: string, quantity: number, tenders: Json[]): Json => ({
    id: id(n), type: 'SALE', at: at(time), receipt: `R-${tag}-${n}`,
    lines: [{ id: '1', sku: 'MUG-ENAMEL-WHT', title: 'Enamel Camp Mug', quantity, unitPrice: unit }],
    tenders, total: decimal(cents(unit) * quantity),
  });
  const firstBatch = [
    sale(1, '09:05:00', '18.00', 2, [{ kind: 'CASH', amount: '40.00', change: '4.00' }]),
    sale(2, '09:40:00', '24.50', 1, [{ kind: 'CARD', gateway: 'adyen', amount: '24.50' }]),
    sale(3, '10:10:00', '18.00', 1, [{ kind: 'CASH', amount: '18.00' }]),
    { id: id(4), type: 'VOID', at: at('10:11:00'), voids: id(3) },
    { id: id(5), type: 'NO_SALE', at: at('11:00:00') },
    { id: id(6), type: 'PAID_OUT', at: at('12:30:00'), amount: '7.25', reason: 'milk' },
  ];
  const fileDrop = [
    sale(7, '13:15:00', '18.00', 3, [{ kind: 'CASH', amount: '60.00', change: '6.00' }]),
    { id: id(8), type: 'RETURN', at: at('14:00:00'), tenders: [{ kind: 'CASH', amount: '18.00' }] },
    { id: id(9), type: 'PAID_IN', at: at('15:00:00'), amount: '20.00', reason: 'change top-up' },
    // The bad row: a quantity that is not a number. The hub keeps it, rejected with the reason.
    { ...sale(10, '15:30:00', '18.00', 1, [{ kind: 'CASH', amount: '18.00' }]), lines: [{ id: '1', sku: 'MUG-ENAMEL-WHT', title: 'Enamel Camp Mug', quantity: 'one', unitPrice: '18.00' }] },
  ];
  const lateBatch = [sale(11, '17:45:00', '24.50', 1, [{ kind: 'CASH', amount: '30.00', change: '5.50' }])];
  // float + 36.00 (sale 1) − 7.25 + 54.00 (sale 7) − 18.00 + 20.00; sale 3 is voided, sale 10 rejected.
  const beforeLate = cents(plan.openingFloat) + 3600 - 725 + 5400 - 1800 + 2000;
  const counted = beforeLate + plan.countDelta;
  const close = {
    id: `SIM-CLOSE-${tag}`, type: 'DAY_CLOSE', at: at('21:00:00'), businessDate: plan.businessDate, registers: ['R1'],
    cash: [{ currency: plan.currency, openingFloat: plan.openingFloat, counted: decimal(counted) }],
  };
  return { firstBatch, fileDrop, lateBatch, close, expected: { beforeLate, afterLate: beforeLate + 2450, counted } };
}
