import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { SettlementJournalDue, StoreDayJournalDue } from '../../../canonical/domain-events.js';
import { OnDomainEvent } from '../../../platform/events/on-domain-event.js';
import { DUE_PAYLOAD_SQL, POSTINGS_DUE_CHANNEL } from './posting-outbox.js';

/**
 * A settlement's summary journal becomes one JOURNAL posting (subject SETTLEMENT) per enabled
 * target that takes the settlement's channel, in the transaction that imported it. Keyed like
 * every posting, so the same settlement twice adds nothing. A settlement names no channel
 * account, so only a target's channel routing applies.
 */
@Injectable()
export class JournalOutbox {
  @OnDomainEvent('SettlementJournalDue', { order: 10 })
  async onSettlementJournalDue(runner: QueryRunner, event: SettlementJournalDue): Promise<void> {
    await this.journalDue(runner, 'SETTLEMENT', event.payload.settlementJournalId, event.payload.channel, event.correlationId);
  }

  /** A store day's cash variance journal (subject STORE_DAY), likewise one per target that takes the store's channel. */
  @OnDomainEvent('StoreDayJournalDue', { order: 10 })
  async onStoreDayJournalDue(runner: QueryRunner, event: StoreDayJournalDue): Promise<void> {
    await this.journalDue(runner, 'STORE_DAY', event.payload.storeDayJournalId, event.payload.channel, event.correlationId);
  }

  private async journalDue(runner: QueryRunner, subjectType: string, subjectId: string, channel: string, correlationId: string): Promise<void> {
    await runner.query(
      `WITH inserted AS (
         INSERT INTO postings (id, target_id, subject_type, subject_id, document_type, document_key, status, correlation_id)
         SELECT gen_random_uuid(), t.id, $5, $1, 'JOURNAL', '', 'PENDING', $2
         FROM erp_targets t
         WHERE t.enabled AND (NOT (t.routing ? 'channels') OR t.routing->'channels' ? $3)
         ON CONFLICT (target_id, subject_type, subject_id, document_type, document_key) DO NOTHING
         RETURNING id, target_id, attempts
       )
       SELECT id, pg_notify($4, ${DUE_PAYLOAD_SQL}) FROM inserted`,
      [subjectId, correlationId, channel, POSTINGS_DUE_CHANNEL, subjectType],
    );
  }
}
