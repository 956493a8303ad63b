import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { accountingDateOf, dateInZone } from '../../canonical/accounting-date.js';
import { formatDecimal } from '../../canonical/money.js';
import type { StoreDayClose, TillCount, TillTransaction } from '../../canonical/store-day.js';
import { currentCorrelationId } from '../../platform/correlation/correlation.js';
import { DomainEventBus } from '../../platform/events/domain-event-bus.js';
import { ChannelAccountZones } from '../channel-accounts/channel-account-zones.js';
import { cashLines, journalDeltas } from './store-day-cash.js';
import { StoreDayStore, type StoreDayHead } from './store-day-store.js';
import { SummaryStore } from './summaries/summary-store.js';

export interface Lineage {
  readonly inboxId: string | null;
  readonly correlationId: string;
}

/** The longest key every ERP keeps whole (Business Central's External Document No. holds 35 characters). */
const KEY_LENGTH = 35;

/**
 * The ERP key of a store day's variance journal: the first per currency, then one per restatement
 * (`POS-brooklyn-01-20261204-USD`, `…-USD-2`). A store id too long for that is replaced by a hash
 * of it, so keys stay whole and distinct in every ERP.
 */
export function storeDayJournalKey(day: Pick<StoreDayHead, 'channel' | 'store' | 'businessDate'>, currency: string, seq: number): string {
  const tail = `${day.businessDate.replace(/-/g, '')}-${currency}${seq > 1 ? `-${seq}` : ''}`;
  const readable = `${day.channel}-${day.store}-${tail}`;
  if (readable.length <= KEY_LENGTH) return readable;
  const store = createHash('sha256').update(`${day.channel}\u0000${day.store}`).digest('hex').slice(0, 8).toUpperCase();
  return `${day.channel.slice(0, 8)}-${store}-${tail}`;
}

const signed = (amount: bigint, currency: string): string => `${amount > 0n ? '+' : ''}${formatDecimal({ amount, currency })} ${currency}`;

/**
 * Store days: each till transaction is counted towards its store's business date (the date of its
 * time in the store's zone, the channel account's `timezone`); a close brings the count, the day's
 * expected cash and variance per currency are worked out, and a variance becomes a journal of the
 * change, posted to the ERP targets (StoreDayJournalDue). A transaction that arrives after the
 * close restates the day; a close with the same content again changes nothing. All on the
 * caller's runner, in the delivery's transaction.
 */
@Injectable()
export class StoreDaysService {
  private readonly store = new StoreDayStore();
  private readonly summaries = new SummaryStore();

  constructor(
    @Inject(ChannelAccountZones) private readonly zones: ChannelAccountZones,
    @Inject(DomainEventBus) private readonly events: DomainEventBus,
  ) {}

  /** Counts a till transaction towards its day; returns a note when it restated a closed day. */
  async record(runner: QueryRunner, t: TillTransaction, lineage: Lineage): Promise<string | null> {
    const zone = await this.zones.zoneOf(runner, t.channel, t.store);
    const businessDate = zone === null ? accountingDateOf(t.at, null).date : dateInZone(t.at, zone);
    const day = await this.store.lockOrCreate(runner, { channel: t.channel, store: t.store, businessDate, timeZone: zone });
    if (!(await this.store.addTransaction(runner, day.id, t, lineage.inboxId)) || !day.closed) return null;
    // A sale after the close is a daily summary of its own, where a target books counter sales so.
    if (t.kind === 'SALE') await this.summaryDue(runner, day, lineage, t.transactionId);
    const note = `late ${t.kind} ${t.transactionId} (${signed(t.cash, t.currency)} cash) after the close of ${t.store} ${businessDate}: the day is restated`;
    await this.store.countRestatement(runner, day.id);
    await this.store.addEvent(runner, day.id, 'RESTATED', note, lineage.inboxId);
    await this.restate(runner, day, lineage);
    return note;
  }

  /** Closes the day with its count; returns what became of it. */
  async close(runner: QueryRunner, close: StoreDayClose, lineage: Lineage): Promise<string> {
    const zone = await this.zones.zoneOf(runner, close.channel, close.store);
    const day = await this.store.lockOrCreate(runner, { channel: close.channel, store: close.store, businessDate: close.businessDate, timeZone: zone });
    const fingerprint = JSON.stringify({
      registers: [...close.registers].sort(),
      counts: [...close.counts].sort((a, b) => a.currency.localeCompare(b.currency)).map((c) => [c.currency, c.openingFloat.toString(), c.counted.toString()]),
    });
    const what = `${close.store} ${close.businessDate}`;
    if (day.closed && day.closeFingerprint === fingerprint) {
      const note = `${what} was closed with this count already (close ${close.closeId}): nothing changes`;
      await this.store.addEvent(runner, day.id, 'CLOSED_AGAIN_SAME', note, lineage.inboxId);
      return note;
    }
    await this.store.markClosed(runner, day.id, close, fingerprint);
    if (!day.closed) await this.summaryDue(runner, day, lineage);
    const note = `${day.closed ? 'recounted' : 'closed'} ${what} (close ${close.closeId})`;
    await this.store.addEvent(runner, day.id, day.closed ? 'RECOUNTED' : 'CLOSED', note, lineage.inboxId);
    const summary = await this.restate(runner, day, lineage, close.counts);
    return `${note}: ${summary}`;
  }

  /** The day's sales not in a summary yet become the next one (one sale, when it came after the close). */
  private async summaryDue(runner: QueryRunner, day: StoreDayHead, lineage: Lineage, transactionId?: string): Promise<void> {
    const seq = await this.summaries.assign(runner, day.id, transactionId);
    if (seq === null) return;
    await this.events.publish(runner, {
      type: 'StoreDaySummaryDue', correlationId: lineage.correlationId || (currentCorrelationId() ?? randomUUID()),
      payload: { storeDayId: day.id, seq, channel: day.channel, store: day.store, businessDate: day.businessDate },
    });
  }

  /** Works the day's cash out again from its transactions and count, and journals any change of its variance. */
  private async restate(runner: QueryRunner, day: StoreDayHead, lineage: Lineage, counts?: readonly TillCount[]): Promise<string> {
    const lines = cashLines(await this.store.transactions(runner, day.id), counts ?? await this.store.counts(runner, day.id));
    await this.store.writeCash(runner, day.id, lines);
    const { amounts, seqs } = await this.store.booked(runner, day.id);
    for (const delta of journalDeltas(lines, amounts)) {
      const seq = (seqs.get(delta.currency) ?? 0) + 1;
      const id = await this.store.addJournal(runner, day.id, { currency: delta.currency, seq, amount: delta.amount, externalId: storeDayJournalKey(day, delta.currency, seq) });
      await this.events.publish(runner, {
        type: 'StoreDayJournalDue', correlationId: lineage.correlationId || (currentCorrelationId() ?? randomUUID()),
        payload: { storeDayJournalId: id, storeDayId: day.id, channel: day.channel, store: day.store, businessDate: day.businessDate },
      });
    }
    return lines.map((l) => `expected ${formatDecimal({ amount: l.expected, currency: l.currency })}, counted ${formatDecimal({ amount: l.counted, currency: l.currency })} ${l.currency}, ${l.variance === 0n ? 'balanced' : `${l.variance > 0n ? 'over' : 'short'} ${signed(l.variance, l.currency)}`}`).join('; ');
  }
}
