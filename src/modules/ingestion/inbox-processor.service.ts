import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { nothingShipped, type ChannelMeaning } from '../../adapters/channels/channel-port.js';
import { JsonTooDeepError, parseJsonPreservingBigIds } from '../../adapters/channels/json-body.js';
import { channelByCode } from '../../adapters/channels/registry.js';
import { heldNote } from '../fulfillments/domain/held-shipment.js';
import { ChannelCancellations } from '../fulfillments/shipments/channel-cancellations.js';
import { ShipmentEventsService } from '../fulfillments/shipments/shipment-events.service.js';
import type { CanonicalOrder } from '../../canonical/order.js';
import type { CanonicalReturnEvent } from '../../canonical/return.js';
import { ChannelAccountOrderRules } from '../channel-accounts/channel-account-order-rules.js';
import { ChannelAccountZones } from '../channel-accounts/channel-account-zones.js';
import { understandFulfillmentEvent } from './fulfillment-event.js';
import { inTransaction } from '../../platform/database/sql.js';
import type { LatestOrder } from '../orders/manual-order-actions.js';
import { OrderEventsService } from '../orders/order-events.service.js';
import { ReturnEventsService } from '../returns/return-events.service.js';
import { StoreDaysService } from '../store-days/store-days.service.js';
import { failedOnData, refusedData } from './data-errors.js';
import type { InboxStatus } from './inbox/inbox-status.js';
import { IngestMetrics } from './ingest-metrics.js';
import { OrderMappingResolver } from './order-mapping-resolver.js';
import { ChannelPullScheduler } from './polling/channel-pull-scheduler.js';

/** CPU time the worker spends on a batch before it lets other callbacks run. */
const YIELD_AFTER_MS = 4;


interface InboxRow {
  id: string;
  source: string;
  account: string | null;
  topic: string;
  event_id: string | null;
  raw_body: Buffer | Uint8Array;
  correlation_id: string;
  status: InboxStatus;
  received_at: Date;
}

/** What a delivery says: a channel's meaning (order, shipment, withdrawn fulfilment, nothing) or a store's ready-for-pickup. */
type Understood = ChannelMeaning | { ok: true; type: 'ready'; requestId: string; at: string };

const ROW_COLUMNS = 'id, source, account, topic, event_id, raw_body, correlation_id, status, received_at';

/**
 * Works inbox rows off the queue: parse, validate, map to the canonical order and apply
 * it, then mark the row, in one transaction. A row that is no longer PENDING is skipped,
 * so redelivered jobs are harmless.
 */
@Injectable()
export class InboxProcessorService {
  private readonly logger = new Logger(InboxProcessorService.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OrderEventsService) private readonly orders: OrderEventsService,
    @Inject(IngestMetrics) private readonly metrics: IngestMetrics,
    @Inject(OrderMappingResolver) private readonly mappings: OrderMappingResolver,
    @Inject(ShipmentEventsService) private readonly shipments: ShipmentEventsService,
    @Inject(ChannelCancellations) private readonly cancellations: ChannelCancellations,
    @Inject(ReturnEventsService) private readonly returns: ReturnEventsService,
    @Inject(ChannelAccountZones) private readonly zones: ChannelAccountZones,
    @Inject(ChannelAccountOrderRules) private readonly rules: ChannelAccountOrderRules,
    @Inject(ChannelPullScheduler) private readonly pulls: ChannelPullScheduler,
    @Inject(StoreDaysService) private readonly storeDays: StoreDaysService,
  ) {}

  /**
   * One row alone. A data error PostgreSQL raises for this row (a value it refuses that got
   * past validation) would fail the same way on every retry, so the row is REJECTED with
   * the database's reason instead; anything else is thrown for the queue to retry.
   */
  async process(inboxId: string): Promise<InboxStatus | 'SKIPPED'> {
    try {
      return (await this.processBatch([inboxId])).get(inboxId) ?? 'SKIPPED';
    } catch (error) {
      const refused = refusedData(error) ?? failedOnData(error);
      if (!refused) throw error;
      this.logger.warn({ msg: 'delivery refused by the database', inboxId, reason: refused });
      // As a SELECT, so the driver answers with the rows (an UPDATE answers with rows and a count).
      const [row] = await this.dataSource.query(
        `WITH marked AS (
           UPDATE inbox SET status = 'REJECTED', error = $2, attempts = attempts + 1, processed_at = now()
           WHERE id = $1 AND status = 'PENDING' RETURNING source, topic, received_at
         ) SELECT source, topic, received_at FROM marked`,
        [inboxId, refused],
      );
      // A row another worker finished meanwhile is not ours to mark.
      if (!row) return 'SKIPPED';
      this.metrics.processedRow(row.source, row.topic, 'REJECTED', new Date(row.received_at));
      return 'REJECTED';
    }
  }

  /**
   * Several rows in one transaction: one claim, one statement per order, one status update.
   * Rows no longer PENDING (or locked by another worker) come back SKIPPED. Events for the
   * same order apply in arrival order.
   */
  async processBatch(inboxIds: readonly string[]): Promise<Map<string, InboxStatus | 'SKIPPED'>> {
    // Fetches notifications asked for, made once the rows are committed (a retried transaction starts the list afresh).
    let fetches: { channel: string; account: string; ref: string; correlationId: string }[] = [];
    const results = await inTransaction(this.dataSource, async (runner) => {
      fetches = [];
      const rows: InboxRow[] = await runner.query(
        `SELECT ${ROW_COLUMNS}
         FROM inbox WHERE id = ANY($1::uuid[]) AND status = 'PENDING'
         ORDER BY received_at, id FOR UPDATE SKIP LOCKED`,
        [[...inboxIds]],
      );
      const results = new Map<string, InboxStatus | 'SKIPPED'>(inboxIds.map((id) => [id, 'SKIPPED']));
      const outcomes: { id: string; status: InboxStatus; error: string | null }[] = [];
      // Everything that can reject the payload runs before any write, so no savepoint is needed.
      const events = await this.dated(runner, await this.understandAll(rows));
      const unmapped = await this.mappings.unmappedFor(runner, events.flatMap((e) => (e.ok && e.type === 'order' ? [e.value.order] : [])));
      for (const [index, row] of rows.entries()) {
        const event = events[index];
        const lineage = { inboxId: row.id, correlationId: row.correlation_id };
        let note: string | null = null;
        // An event that validated but names nothing the hub holds: kept, marked REJECTED with why.
        let refused: string | null = null;
        if (!event.ok) this.logger.warn({ msg: 'delivery rejected', inboxId: row.id, topic: row.topic, reason: event.reason });
        else if (event.type === 'order') {
          const applied = await this.orders.apply(runner, { ...event.value, unmapped: unmapped.get(event.value.order) ?? [] });
          if (applied.outcome === 'STALE') note = `stale: the order already holds a newer version than updated_at ${event.value.order.sourceUpdatedAt}`;
          if (event.till) note = (await this.storeDays.record(runner, event.till, lineage)) ?? note;
        }
        else if (event.type === 'till') note = (await this.storeDays.record(runner, event.transaction, lineage)) ?? event.reason;
        else if (event.type === 'dayClose') note = await this.storeDays.close(runner, event.close, lineage);
        else if (event.type === 'shipment') {
          const outcome = await this.shipments.apply(runner, event.confirmation, lineage);
          if (outcome.kind === 'HELD') note = heldNote(outcome.reason);
        } else if (event.type === 'cancellation') {
          const outcome = await this.cancellations.apply(runner, event.cancellation, lineage);
          note = outcome.kind === 'UNKNOWN' ? nothingShipped(event.cancellation.externalId, event.cancellation.status) : outcome.note;
        } else if (event.type === 'return') {
          const outcome = await this.returns.apply(runner, event.event, lineage);
          if (outcome.outcome === 'REFUSED') refused = outcome.note;
          else note = outcome.outcome === 'DUPLICATE' ? outcome.note : outcome.note === null ? null : `return case ${outcome.caseId}: ${outcome.note}`;
        } else if (event.type === 'returns') {
          const applied = await this.applyReturns(runner, event.events, lineage);
          refused = applied.refused;
          note = applied.note;
          if (event.till && refused === null) note = (await this.storeDays.record(runner, event.till, lineage)) ?? note;
        } else if (event.type === 'fetch') {
          note = event.reason;
          if (row.account) fetches.push({ channel: row.source, account: row.account, ref: event.ref, correlationId: row.correlation_id });
        } else if (event.type === 'ready') {
          if (!(await this.shipments.readyForPickup(runner, event.requestId, event.at))) note = `request ${event.requestId} is not awaiting pickup`;
        } else note = event.reason;
        if (refused !== null) outcomes.push({ id: row.id, status: 'REJECTED', error: refused });
        else outcomes.push({ id: row.id, status: event.ok ? 'PROCESSED' : 'REJECTED', error: event.ok ? note : event.reason });
      }
      if (outcomes.length > 0) {
        await runner.query(
          `UPDATE inbox SET status = u.status, error = u.error, attempts = attempts + 1, processed_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u(id, status, error) WHERE inbox.id = u.id`,
          [outcomes.map((o) => o.id), outcomes.map((o) => o.status), outcomes.map((o) => o.error)],
        );
      }
      for (const [index, outcome] of outcomes.entries()) {
        results.set(outcome.id, outcome.status);
        const row = rows[index];
        this.metrics.processedRow(row.source, row.topic, outcome.status, new Date(row.received_at));
      }
      return results;
    });
    for (const f of fetches) void this.pulls.fetch(f.channel, f.account, f.ref, f.correlationId);
    return results;
  }

  /**
   * Applies an already processed delivery again, as it is now understood: after a mapping
   * change, the order's latest delivery re-runs the release gates. Re-applying the same
   * source version is idempotent, and the order row lock makes the release happen once.
   */
  async reapply(inboxId: string): Promise<'REAPPLIED' | 'SKIPPED'> {
    return inTransaction(this.dataSource, async (runner) => {
      const rows: InboxRow[] = await runner.query(
        `SELECT ${ROW_COLUMNS} FROM inbox WHERE id = $1 AND status = 'PROCESSED'`,
        [inboxId],
      );
      const event = rows[0] ? (await this.dated(runner, [this.understand(rows[0])]))[0] : null;
      if (!event?.ok || event.type !== 'order') return 'SKIPPED';
      const unmapped = await this.mappings.unmappedFor(runner, [event.value.order]);
      const lineage = { ...event.value.lineage, topic: `${event.value.lineage.topic}, re-evaluated after a mapping change` };
      await this.orders.apply(runner, { ...event.value, kind: 'UPDATED', lineage, unmapped: unmapped.get(event.value.order) ?? [] });
      return 'REAPPLIED';
    });
  }

  /**
   * A delivery's return events in order (goods before money), in the row's transaction. They name
   * one order, so a refusal (an order id the hub never sent) comes with the first, before any write.
   */
  private async applyReturns(runner: QueryRunner, events: readonly CanonicalReturnEvent[], lineage: { inboxId: string; correlationId: string }): Promise<{ refused: string | null; note: string | null }> {
    const notes: string[] = [];
    for (const e of events) {
      const outcome = await this.returns.apply(runner, e, lineage);
      if (outcome.outcome === 'REFUSED') return { refused: outcome.note, note: null };
      if (outcome.outcome === 'DUPLICATE') notes.push(outcome.note);
      else if (outcome.note !== null) notes.push(`return case ${outcome.caseId}: ${outcome.note}`);
    }
    return { refused: null, note: notes.length > 0 ? notes.join('; ') : null };
  }

  /** Orders dated in their shop's time where the channel's timestamps did not say it (the account's zone). */
  private async dated(runner: QueryRunner, events: Understood[]): Promise<Understood[]> {
    const dated: Understood[] = [];
    // One at a time: they share the transaction's runner (the cache answers all but the first of an account).
    for (const e of events) dated.push(e.ok && e.type === 'order' ? { ...e, value: { ...e.value, order: await this.settled(runner, e.value.order) } } : e);
    return dated;
  }

  /** An applied order delivery as it is understood now, with what master data cannot resolve yet: a manual release gates on it. */
  async latestOrder(runner: QueryRunner, inboxId: string): Promise<LatestOrder | null> {
    const rows: InboxRow[] = await runner.query(`SELECT ${ROW_COLUMNS} FROM inbox WHERE id = $1 AND status = 'PROCESSED'`, [inboxId]);
    const event = rows[0] ? this.understand(rows[0]) : null;
    if (!event?.ok || event.type !== 'order') return null;
    // Settled first: its rounding is a charge whose mapping a release needs as well.
    const order = await this.settled(runner, event.value.order);
    const unmapped = await this.mappings.unmappedFor(runner, [order]);
    return { order, unmapped: unmapped.get(order) ?? [] };
  }

  /** The order dated in its shop's time and under its account's rules (rounding, test orders). */
  private async settled(runner: QueryRunner, order: CanonicalOrder): Promise<CanonicalOrder> {
    return this.rules.applied(runner, await this.zones.dated(runner, order));
  }

  /** After the last retry: the row is marked FAILED with the error, for a person to look at. */
  async markFailed(inboxId: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE inbox SET status = 'FAILED', error = $2, attempts = attempts + 1 WHERE id = $1 AND status = 'PENDING'`,
      [inboxId, error.slice(0, 2000)],
    );
  }

  /**
   * Parsing, validating and mapping a batch is CPU work of tens of milliseconds; done in one
   * go it would hold up every other callback of the process, such as an ERP answer whose
   * concurrency slot is held until it is read. So it gives way every few milliseconds.
   */
  private async understandAll(rows: readonly InboxRow[]): Promise<Understood[]> {
    const events: Understood[] = [];
    let since = performance.now();
    for (const row of rows) {
      events.push(this.understand(row));
      if (performance.now() - since > YIELD_AFTER_MS) {
        await nextTurn();
        since = performance.now();
      }
    }
    return events;
  }

  /** Parse, validate and map a delivery into an order event, or say why it cannot be used. */
  private understand(row: InboxRow): Understood {
    let json: unknown;
    try {
      json = parseJsonPreservingBigIds(Buffer.from(row.raw_body).toString('utf8'));
    } catch (parseError) {
      if (parseError instanceof JsonTooDeepError) return { ok: false, reason: `the body is refused: it ${parseError.message}` };
      return { ok: false, reason: `the body is not valid JSON: ${String(parseError)}` };
    }
    if (row.source === 'WMS' || row.source === 'STORE') return understandFulfillmentEvent(row.source, json, { topic: row.topic, eventId: row.event_id });
    const channel = channelByCode(row.source);
    if (!channel) return { ok: false, reason: `no processor for source ${row.source}` };
    return channel.understand({ id: row.id, topic: row.topic, account: row.account, eventId: row.event_id, correlationId: row.correlation_id }, json);
  }
}
