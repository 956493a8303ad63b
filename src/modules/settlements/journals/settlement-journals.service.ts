import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { ReportSummary } from '../../../canonical/settlement.js';
import { currentCorrelationId } from '../../../platform/correlation/correlation.js';
import { DomainEventBus } from '../../../platform/events/domain-event-bus.js';
import { journalKey, SettlementJournalStore } from './settlement-journal-store.js';

/**
 * Schedules a settlement's summary journal, in the transaction that imports it: a report whose
 * control totals hold (a bank statement has no journal) gets its journal row, and the ERP outbox
 * hears of it (SettlementJournalDue) to add one posting per target.
 */
@Injectable()
export class SettlementJournalsService {
  private readonly store = new SettlementJournalStore();

  constructor(@Inject(DomainEventBus) private readonly events: DomainEventBus) {}

  async imported(runner: QueryRunner, imported: { readonly importId: string; readonly summary: ReportSummary }): Promise<void> {
    const { importId, summary } = imported;
    if (summary.format === 'BANK_CSV') return;
    const id = await this.store.add(runner, importId, journalKey(summary.format, summary.reportId));
    if (!id) return;
    await this.events.publish(runner, {
      type: 'SettlementJournalDue', correlationId: currentCorrelationId() ?? randomUUID(),
      payload: { settlementJournalId: id, importId, channel: summary.channel, reportId: summary.reportId },
    });
  }
}
