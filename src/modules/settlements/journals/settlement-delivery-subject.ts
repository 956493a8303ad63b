import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { DeliversSubject, type DeliverySubject } from '../../../platform/delivery/document-builder.js';
import { SettlementJournalStore, type SettlementJournalHead } from './settlement-journal-store.js';

/**
 * Settlements as a subject of ERP postings: a settlement's journal, one per target, is its only
 * (primary) document. Once every target has it the journal is POSTED; one refused for not adding
 * up holds it with the reason, for a person to look at.
 */
@Injectable()
@DeliversSubject('SETTLEMENT')
export class SettlementDeliverySubject implements DeliverySubject<SettlementJournalHead> {
  private readonly store = new SettlementJournalStore();

  lock(runner: QueryRunner, id: string): Promise<SettlementJournalHead | null> {
    return this.store.lock(runner, id);
  }

  async primaryDocumentsPosted(runner: QueryRunner, journal: SettlementJournalHead): Promise<void> {
    if (journal.state !== 'POSTED') await this.store.setState(runner, journal.id, 'POSTED', null);
  }

  async documentRefused(runner: QueryRunner, journal: SettlementJournalHead, refusal: { code: string; message: string }): Promise<void> {
    await this.store.setState(runner, journal.id, 'HELD', { code: refusal.code, reason: refusal.message });
  }
}
