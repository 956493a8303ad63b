import type { QueryRunner } from 'typeorm';
import { caseStatus } from '../domain/case-status.js';
import { CaseStore } from './case-store.js';
import { RefundStore } from './refund-store.js';

const cases = new CaseStore();
const refunds = new RefundStore();

export interface Restated {
  readonly status: string;
  /** Set when this write completed the case: what the cycle-time metric observes. */
  readonly completed: { channel: string; openedAt: Date; completedAt: Date } | null;
}

/** Derives the case's status from what is stored now and writes it, with the first reason its money stopped. */
export async function restateCase(runner: QueryRunner, caseId: string): Promise<Restated> {
  const status = caseStatus(await cases.lineCounts(runner, caseId), await refunds.statesOf(runner, caseId), await cases.flagsOf(runner, caseId));
  const completed = await cases.setStatus(runner, caseId, status, await refunds.firstStopReason(runner, caseId));
  return { status, completed };
}
