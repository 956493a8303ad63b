import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction, returnedRows } from '../../../platform/database/sql.js';
import type { FailureDetail, OutboxClaim } from '../../../platform/outbox/outbox-attempt.js';
import { OutboxSql } from '../../../platform/outbox/outbox-sql.js';

export type OutboundKind = 'FULFILLMENT_REQUEST' | 'FULFILLMENT_CANCEL' | 'CHANNEL_FULFILLMENT';

export interface ClaimedMessage extends OutboxClaim {
  readonly kind: OutboundKind;
  readonly subjectId: string;
  readonly orderId: string;
}

/**
 * Outbound messages to fulfilment systems and channels: the outbox core's statements on
 * outbound_messages (batch claim with SKIP LOCKED, retry, dead, replay, stuck rows), and
 * what changes with them in this module's tables (the request accepted, the shipment's
 * channel status).
 */
@Injectable()
export class OutboundStore {
  private readonly outbox: OutboxSql;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    this.outbox = new OutboxSql(dataSource, 'outbound_messages');
  }

  async claim(limit: number): Promise<ClaimedMessage[]> {
    const rows = await this.outbox.claimBatch(limit, 'id, kind, subject_id, order_id, attempts, lookup_first, correlation_id');
    return rows.map((r) => ({
      id: r.id as string, kind: r.kind as OutboundKind, subjectId: r.subject_id as string, orderId: r.order_id as string,
      attempts: r.attempts as number, lookupFirst: r.lookup_first as boolean, correlationId: r.correlation_id as string,
    }));
  }

  /** Sent: the message and its subject (request accepted / shipment notified) change together; a cancelled request is CANCELLED already. */
  async sent(message: ClaimedMessage, externalRef: string): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      const updated = returnedRows(await manager.query(
        `UPDATE outbound_messages SET status = 'SENT', external_ref = $2, sent_at = now(), updated_at = now(), last_error = NULL, last_error_kind = NULL
         WHERE id = $1 AND status = 'IN_FLIGHT' RETURNING id`,
        [message.id, externalRef],
      ));
      if (updated.length === 0) return;
      if (message.kind === 'FULFILLMENT_REQUEST') {
        await manager.query(
          `UPDATE fulfillment_requests SET external_id = $2, accepted_at = coalesce(accepted_at, now()), updated_at = now(),
                  status = CASE WHEN status = 'PENDING' THEN 'ACCEPTED' ELSE status END
           WHERE id = $1`,
          [message.subjectId, externalRef],
        );
      } else if (message.kind === 'CHANNEL_FULFILLMENT') {
        await manager.query(
          `UPDATE shipments SET channel_status = 'NOTIFIED', channel_reference = $2, channel_notified_at = now() WHERE id = $1`,
          [message.subjectId, externalRef],
        );
      }
    });
  }

  async retry(message: ClaimedMessage, delayMs: number, lookupFirst: boolean, error: FailureDetail): Promise<void> {
    await this.outbox.retry(this.dataSource, message.id, delayMs, lookupFirst, error);
  }

  /** DEAD: a channel message's shipment shows the channel was not told. */
  async dead(message: ClaimedMessage, error: FailureDetail): Promise<void> {
    await inTransaction(this.dataSource, async (runner) => {
      await this.outbox.dead(runner, message.id, error);
      if (message.kind === 'CHANNEL_FULFILLMENT') {
        await runner.query(`UPDATE shipments SET channel_status = 'FAILED' WHERE id = $1 AND channel_status = 'PENDING'`, [message.subjectId]);
      }
    });
  }

  /** IN_FLIGHT too long: the worker died mid-send; look before sending again. */
  async recoverStuck(afterMs: number): Promise<number> {
    return this.outbox.recoverStuck(afterMs);
  }

  /** Replay: DEAD messages are sent again now, looked up first; the messages and their shipments change together, or not at all. */
  async replay(ids: readonly string[]): Promise<string[]> {
    return inTransaction(this.dataSource, async (runner) => {
      const replayed = await this.outbox.replay(runner, ids);
      await runner.query(
        `UPDATE shipments s SET channel_status = 'PENDING' FROM outbound_messages m
         WHERE m.id = ANY($1::uuid[]) AND m.kind = 'CHANNEL_FULFILLMENT' AND s.id = m.subject_id AND s.channel_status = 'FAILED'`,
        [replayed],
      );
      return replayed;
    });
  }
}
