import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction, returnedRows } from '../../../platform/database/sql.js';
import { OutboxSql } from '../../../platform/outbox/outbox-sql.js';

export type OutboundKind = 'FULFILLMENT_REQUEST' | 'FULFILLMENT_CANCEL' | 'CHANNEL_FULFILLMENT';

export interface ClaimedMessage {
  readonly id: string;
  readonly kind: OutboundKind;
  readonly subjectId: string;
  readonly orderId: string;
  readonly attempts: number;
  readonly lookupFirst: boolean;
  readonly correlationId: string;
}

/**
 * Outbound messages to fulfilment systems and channels. PostgreSQL is the queue: a batch
 * is claimed with SKIP LOCKED, so several workers share the work and none sends a message
 * another holds; every later change is guarded on IN_FLIGHT.
 */
@Injectable()
export class OutboundStore {
  private readonly outbox: OutboxSql;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    this.outbox = new OutboxSql(dataSource, 'outbound_messages');
  }

  async claim(limit: number): Promise<ClaimedMessage[]> {
    const rows = returnedRows<Record<string, unknown>>(await this.dataSource.query(
      `UPDATE outbound_messages SET status = 'IN_FLIGHT', attempts = attempts + 1, updated_at = now()
       WHERE id IN (SELECT id FROM outbound_messages WHERE status IN ('PENDING', 'RETRYING') AND next_attempt_at <= now()
                    ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, kind, subject_id, order_id, attempts, lookup_first, correlation_id`,
      [limit],
    ));
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

  async retry(message: ClaimedMessage, delayMs: number, lookupFirst: boolean, error: { message: string; kind: string }): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbound_messages SET status = 'RETRYING', next_attempt_at = now() + ($2 * interval '1 millisecond'), lookup_first = $3,
              last_error = $4, last_error_kind = $5, updated_at = now()
       WHERE id = $1 AND status = 'IN_FLIGHT'`,
      [message.id, delayMs, lookupFirst, error.message.slice(0, 2000), error.kind],
    );
  }

  async dead(message: ClaimedMessage, error: { message: string; kind: string }): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      await manager.query(
        `UPDATE outbound_messages SET status = 'DEAD', last_error = $2, last_error_kind = $3, updated_at = now() WHERE id = $1 AND status = 'IN_FLIGHT'`,
        [message.id, error.message.slice(0, 2000), error.kind],
      );
      if (message.kind === 'CHANNEL_FULFILLMENT') {
        await manager.query(`UPDATE shipments SET channel_status = 'FAILED' WHERE id = $1 AND channel_status = 'PENDING'`, [message.subjectId]);
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
      const rows = returnedRows<{ id: string }>(await runner.query(
        `UPDATE outbound_messages SET status = 'RETRYING', next_attempt_at = now(), lookup_first = true, attempts = 0, updated_at = now()
         WHERE id = ANY($1::uuid[]) AND status IN ('DEAD', 'RETRYING') RETURNING id`,
        [[...ids]],
      ));
      await runner.query(
        `UPDATE shipments s SET channel_status = 'PENDING' FROM outbound_messages m
         WHERE m.id = ANY($1::uuid[]) AND m.kind = 'CHANNEL_FULFILLMENT' AND s.id = m.subject_id AND s.channel_status = 'FAILED'`,
        [rows.map((r) => r.id)],
      );
      return rows.map((r) => r.id);
    });
  }
}
