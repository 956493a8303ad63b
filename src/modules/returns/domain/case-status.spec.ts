import { caseStatus, commonStep, unitsAt, type LineCounts } from './case-status.js';

const line = (counts: Partial<LineCounts>): LineCounts => ({
  REQUESTED: 0, APPROVED: 0, IN_TRANSIT: 0, RECEIVED: 0, INSPECTED: 0, DISPOSITIONED: 0, refunded: 0, ...counts,
});

describe('case status', () => {
  it('counts a unit received before its request as requested and approved', () => {
    const early = line({ RECEIVED: 1 });
    expect(unitsAt(early, 'REQUESTED')).toBe(1);
    expect(unitsAt(early, 'APPROVED')).toBe(1);
    expect(commonStep([early])).toBe('RECEIVED');
  });

  it('is at the step every unit reached', () => {
    expect(commonStep([line({ REQUESTED: 2, RECEIVED: 1 })])).toBe('REQUESTED');
    expect(commonStep([line({ APPROVED: 2, RECEIVED: 2 }), line({ APPROVED: 1 })])).toBe('APPROVED');
    expect(commonStep([])).toBeNull();
  });

  it('derives the case from units, refunds and flags', () => {
    const done = [line({ DISPOSITIONED: 1 })];
    expect(caseStatus(done, ['CREDITED'], [])).toBe('COMPLETED');
    expect(caseStatus(done, ['READY'], [])).toBe('REFUNDED');
    expect(caseStatus([line({ REQUESTED: 1 })], [], [])).toBe('REQUESTED');
    expect(caseStatus([line({ REQUESTED: 1 })], ['HELD'], [])).toBe('ON_HOLD');
    expect(caseStatus([], ['CREDITED'], [])).toBe('COMPLETED');
    expect(caseStatus([line({ REQUESTED: 1 })], [], ['DECLINED'])).toBe('DECLINED');
    expect(caseStatus([], [], [])).toBe('OPEN');
  });
});
