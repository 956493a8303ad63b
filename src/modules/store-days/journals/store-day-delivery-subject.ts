import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { DeliversSubject, type DeliverySubject } from '../../../platform/delivery/document-builder.js';
import { StoreDayJournalStore, type StoreDayJournalHead } from './store-day-journal-store.js';

/**
 * A store day's variance journal as a subject of ERP postings: the journal, one per target, is its
 * only document. Once every target has it, it is POSTED; one refused for not being the variance
 * is HELD with the reason, for a person to look at.
 */
@Injectable()
@DeliversSubject('STORE_DAY')
export class StoreDayDeliverySubject implements DeliverySubject<StoreDayJournalHead> {
  private readonly store = new StoreDayJournalStore();

  lock(runner: QueryRunner, id: string): Promise<StoreDayJournalHead | null> {
    return this.store.lock(runner, id);
  }

  async primaryDocumentsPosted(runner: QueryRunner, journal: StoreDayJournalHead): Promise<void> {
    if (journal.state !== 'POSTED') await this.store.setState(runner, journal.id, 'POSTED', null);
  }

  async documentRefused(runner: QueryRunner, journal: StoreDayJournalHead, refusal: { code: string; message: string }): Promise<void> {
    await this.store.setState(runner, journal.id, 'HELD', { code: refusal.code, reason: refusal.message });
  }
}
