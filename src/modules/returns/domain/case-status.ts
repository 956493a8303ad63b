/**
 * A return case's status, derived from its lines and refunds, never stored by hand. Each line
 * counts its units per step; a unit further along has passed every earlier step, so a receipt
 * that arrives before the request still counts as requested and approved (events come out of
 * order). The case is at the step that all its units have reached.
 */
export const UNIT_STEPS = ['REQUESTED', 'APPROVED', 'IN_TRANSIT', 'RECEIVED', 'INSPECTED', 'DISPOSITIONED'] as const;
export type UnitStep = (typeof UNIT_STEPS)[number];

export type LineCounts = Readonly<Record<UnitStep, number>> & { readonly refunded: number };

export type CaseFlag = 'DECLINED' | 'CANCELLED' | 'CLOSED';

export type RefundState = 'WAITING' | 'FAILED' | 'HELD' | 'READY' | 'CREDITED' | 'SETTLED';

export type CaseStatus =
  | 'OPEN'
  | UnitStep
  | 'REFUNDED'
  | 'CREDITED'
  | 'COMPLETED'
  | 'DECLINED'
  | 'CANCELLED'
  | 'CLOSED'
  | 'ON_HOLD';

/** Units of a line that have reached `step`: the largest count of that step or any later one. */
export function unitsAt(line: LineCounts, step: UnitStep): number {
  let reached = 0;
  for (let i = UNIT_STEPS.indexOf(step); i < UNIT_STEPS.length; i += 1) reached = Math.max(reached, line[UNIT_STEPS[i]]);
  return reached;
}

/** The units a line returns: the most any step has seen. */
export const returnedUnits = (line: LineCounts): number => unitsAt(line, 'REQUESTED');

/** The furthest step every returned unit of the case has reached, or null when no unit is known. */
export function commonStep(lines: readonly LineCounts[]): UnitStep | null {
  let common: UnitStep | null = null;
  for (const step of UNIT_STEPS) {
    const all = lines.every((l) => unitsAt(l, step) >= returnedUnits(l)) && lines.some((l) => returnedUnits(l) > 0);
    if (!all) break;
    common = step;
  }
  return common;
}

export function caseStatus(lines: readonly LineCounts[], refunds: readonly RefundState[], flags: readonly CaseFlag[]): CaseStatus {
  if (flags.includes('DECLINED')) return 'DECLINED';
  if (flags.includes('CANCELLED')) return 'CANCELLED';
  if (refunds.some((r) => r === 'HELD' || r === 'FAILED')) return 'ON_HOLD';
  const step = commonStep(lines);
  const goods = lines.some((l) => returnedUnits(l) > 0);
  const money = refunds.length > 0;
  const credited = money && refunds.every((r) => r === 'CREDITED' || r === 'SETTLED');
  // A case with nothing to send back (a goodwill refund, an exchange-free credit) is done when its money is.
  const goodsDone = !goods || step === 'DISPOSITIONED';
  if (credited && goodsDone) return 'COMPLETED';
  if (flags.includes('CLOSED')) return 'CLOSED';
  if (credited) return 'CREDITED';
  if (refunds.some((r) => r === 'READY')) return 'REFUNDED';
  return step ?? 'OPEN';
}
