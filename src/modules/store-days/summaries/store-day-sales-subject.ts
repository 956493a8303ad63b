import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { DeliversSubject, type DeliverySubject } from '../../../platform/delivery/document-builder.js';
import { SummaryStore } from './summary-store.js';

/**
 * A store day's sales as the subject of daily-summary cash sales (one per summary and target). The
 * day is locked while the engine counts its documents; nothing else follows them.
 */
@Injectable()
@DeliversSubject('STORE_DAY_SALES')
export class StoreDaySalesSubject implements DeliverySubject<{ id: string }> {
  private readonly store = new SummaryStore();

  lock(runner: QueryRunner, id: string): Promise<{ id: string } | null> {
    return this.store.lock(runner, id);
  }

  async primaryDocumentsPosted(): Promise<void> {
    // The cash sales are the day's last word on its sales: nothing waits on them.
  }
}
