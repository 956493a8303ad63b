import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';

/** PostgreSQL NOTIFY channel: postings became due (delivered only when the transaction commits). */
export const POSTINGS_DUE_CHANNEL = 'erp_postings_due';

/**
 * The outbox half of ERP sync, used by the order aggregate inside its own transaction:
 * releasing an order writes one posting row per enabled ERP target whose routing takes the
 * order. The unique (target, document type, order) key makes a second release a no-op.
 * New rows notify the workers' relays, which queue them as soon as the transaction commits.
 */
@Injectable()
export class PostingOutbox {
  async released(runner: QueryRunner, order: { id: string; channel: string; account: string; correlationId: string }): Promise<number> {
    const rows: unknown[] = await runner.query(
      `WITH inserted AS (
         INSERT INTO postings (id, target_id, document_type, order_id, status, correlation_id)
         SELECT gen_random_uuid(), t.id, 'SALES_ORDER', $1, 'PENDING', $2
         FROM erp_targets t
         WHERE t.enabled
           AND (NOT (t.routing ? 'channels') OR t.routing->'channels' ? $3)
           AND (NOT (t.routing ? 'accounts') OR t.routing->'accounts' ? $4)
         ON CONFLICT (target_id, document_type, order_id) DO NOTHING
         RETURNING id
       )
       SELECT id, pg_notify($5, '') FROM inserted`,
      [order.id, order.correlationId, order.channel, order.account, POSTINGS_DUE_CHANNEL],
    );
    return rows.length;
  }
}
