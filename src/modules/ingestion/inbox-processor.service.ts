import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { mapShopifyOrder } from '../../adapters/channels/shopify/shopify-order.mapper.js';
import { validateShopifyOrder } from '../../adapters/channels/shopify/shopify-order.dto.js';
import { parseJsonPreservingBigIds } from '../../adapters/channels/shopify/shopify-webhook.js';
import { inTransaction } from '../../platform/database/sql.js';
import { OrderEventsService, type OrderEventKind } from '../orders/order-events.service.js';
import type { InboxStatus } from './inbox/inbox-status.js';
import { IngestMetrics } from './ingest-metrics.js';

interface InboxRow {
  id: string;
  source: string;
  account: string | null;
  topic: string;
  raw_body: Buffer | Uint8Array;
  correlation_id: string;
  status: InboxStatus;
  received_at: Date;
}

const SHOPIFY_KINDS: Record<string, OrderEventKind> = {
  'orders/create': 'PLACED',
  'orders/updated': 'UPDATED',
  'orders/paid': 'UPDATED',
  'orders/cancelled': 'CANCELLED',
};

/** An authentic delivery the hub cannot use: kept as REJECTED with the reason, never retried. */
class UnusablePayload extends Error {}

/**
 * Works one inbox row off the queue: parse, validate, map to the canonical order and
 * apply it, then mark the row, all in one transaction. A row that is no longer PENDING
 * is skipped, so redelivered jobs are harmless.
 */
@Injectable()
export class InboxProcessorService {
  private readonly logger = new Logger(InboxProcessorService.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OrderEventsService) private readonly orders: OrderEventsService,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
  ) {}

  async process(inboxId: string): Promise<InboxStatus | 'SKIPPED'> {
    return inTransaction(this.dataSource, async (runner) => {
      const rows: InboxRow[] = await runner.query(
        `SELECT id, source, account, topic, raw_body, correlation_id, status, received_at
         FROM inbox WHERE id = $1 FOR UPDATE SKIP LOCKED`,
        [inboxId],
      );
      const row = rows[0];
      if (!row || row.status !== 'PENDING') return 'SKIPPED';
      let status: InboxStatus = 'PROCESSED';
      let error: string | null = null;
      try {
        await runner.query('SAVEPOINT apply_event');
        await this.apply(runner, row);
        await runner.query('RELEASE SAVEPOINT apply_event');
      } catch (failure) {
        if (!(failure instanceof UnusablePayload)) throw failure;
        await runner.query('ROLLBACK TO SAVEPOINT apply_event');
        status = 'REJECTED';
        error = failure.message;
        this.logger.warn({ msg: 'delivery rejected', inboxId, topic: row.topic, reason: error });
      }
      await runner.query(
        `UPDATE inbox SET status = $2, error = $3, attempts = attempts + 1, processed_at = now() WHERE id = $1`,
        [inboxId, status, error],
      );
      this.metrics.processedRow(row.source, row.topic, status, new Date(row.received_at));
      return status;
    });
  }

  /** After the last retry: the row is marked FAILED with the error, for a person to look at. */
  async markFailed(inboxId: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE inbox SET status = 'FAILED', error = $2, attempts = attempts + 1 WHERE id = $1 AND status = 'PENDING'`,
      [inboxId, error.slice(0, 2000)],
    );
  }

  private async apply(runner: QueryRunner, row: InboxRow): Promise<void> {
    if (row.source !== 'SHOPIFY') throw new UnusablePayload(`no processor for source ${row.source}`);
    const kind = SHOPIFY_KINDS[row.topic];
    if (!kind) throw new UnusablePayload(`topic ${row.topic} is not handled`);
    let json: unknown;
    try {
      json = parseJsonPreservingBigIds(Buffer.from(row.raw_body).toString('utf8'));
    } catch (parseError) {
      throw new UnusablePayload(`the body is not valid JSON: ${String(parseError)}`);
    }
    const validated = validateShopifyOrder(json);
    if (!validated.ok) {
      throw new UnusablePayload(`invalid order: ${validated.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`);
    }
    let order;
    try {
      order = mapShopifyOrder(validated.dto, { shopDomain: row.account ?? 'unknown' });
    } catch (mapError) {
      throw new UnusablePayload(`the order cannot be mapped: ${mapError instanceof Error ? mapError.message : String(mapError)}`);
    }
    await this.orders.apply(runner, { order, kind, lineage: { inboxId: row.id, topic: row.topic, correlationId: row.correlation_id } });
  }
}
