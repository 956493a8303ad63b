import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { accountingDateOf } from '../../canonical/accounting-date.js';
import type { CanonicalOrder } from '../../canonical/order.js';

/** How long a looked-up zone is trusted before the table is read again. */
const TTL_MS = 5000;

/**
 * The time zone a channel account keeps its books in (its `timezone` setting), for channels whose
 * timestamps carry no offset of their own; cached briefly like the secrets.
 */
@Injectable()
export class ChannelAccountZones {
  /** The look-up itself is cached, so a batch of one account's orders asks once. */
  private readonly cache = new Map<string, { zone: Promise<string | null>; until: number }>();

  forget(channel: string, account: string): void {
    this.cache.delete(`${channel}\u0000${account}`);
  }

  /** On the caller's runner: the embedded database has one session, which the caller's transaction holds. */
  zoneOf(runner: QueryRunner, channel: string, account: string): Promise<string | null> {
    const key = `${channel}\u0000${account}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.zone;
    const zone = runner
      .query('SELECT timezone FROM channel_accounts WHERE channel = $1 AND account = $2', [channel, account])
      .then((rows: { timezone: string | null }[]) => rows[0]?.timezone ?? null);
    // A failed look-up is not remembered.
    zone.catch(() => this.cache.delete(key));
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { zone, until: Date.now() + TTL_MS });
    return zone;
  }

  /**
   * The order dated in its shop's time: the channel's own offset decides the accounting date when
   * its timestamp has one; otherwise the account's zone does. Later documents use the account's
   * zone when it has one (it knows daylight saving time; a fixed offset does not).
   */
  async dated(runner: QueryRunner, order: CanonicalOrder): Promise<CanonicalOrder> {
    const zone = await this.zoneOf(runner, order.source.system, order.source.account);
    if (zone === null) return order;
    const { date } = accountingDateOf(order.processedAt ?? order.placedAt, zone);
    return { ...order, accountingDate: order.accountingDate ?? date, timeZone: zone };
  }
}
