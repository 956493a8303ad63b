import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { channelByCode } from '../../../adapters/channels/registry.js';
import { InboxWriter } from '../inbox/inbox-writer.js';
import { receiveBody } from '../received-body.js';
import { advanceWatermark, type ChannelPoller, type PolledEvent } from './channel-poller.js';

export interface PollOutcome {
  readonly stored: number;
  readonly duplicates: number;
  readonly watermark: string | null;
}

/** Pages fetched in one pass at most, so one busy feed cannot hold the poller forever. */
const MAX_PAGES = 20;

/**
 * Runs a poller once: from its watermark, each page's events into the inbox (card data
 * stripped, deduplicated like webhooks, queued for the same processor), then the watermark
 * moves to the page's highest cursor. The watermark moves only after the page's rows are
 * committed, so a crash re-fetches rather than skips.
 */
@Injectable()
export class ChannelPollRunner {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(InboxWriter) private readonly inbox: InboxWriter,
  ) {}

  async pollOnce(poller: ChannelPoller, correlationId = `poll-${randomUUID()}`): Promise<PollOutcome> {
    const channel = channelByCode(poller.channel);
    if (!channel) throw new Error(`no channel adapter for ${poller.channel}`);
    const account = channel.normaliseAccount(poller.account);
    let watermark = await this.watermark(poller.channel, account, poller.stream);
    let stored = 0;
    let duplicates = 0;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const fetched = await poller.fetch(watermark);
      const outcome = await this.store(poller.channel, account, poller.stream, fetched.events, correlationId);
      stored += outcome.stored;
      duplicates += outcome.duplicates;
      const next = advanceWatermark(watermark, fetched.events);
      const moved = next !== null && next !== watermark;
      if (moved) await this.save(poller.channel, account, poller.stream, next);
      watermark = next;
      // A full page that does not move the watermark would come back the same: wait for the next pass.
      if (!fetched.more || !moved) break;
    }
    return { stored, duplicates, watermark };
  }

  /**
   * Events into the inbox as pushed deliveries go: card data stripped, deduplicated on their keys,
   * queued for the same processor. Used by polls and by fetches a notification asked for.
   */
  async store(channel: string, account: string, stream: string, events: readonly PolledEvent[], correlationId: string): Promise<{ stored: number; duplicates: number }> {
    const outcomes = await Promise.all(events.map((event) => {
      const body = receiveBody(event.body);
      return this.inbox.write({
        id: randomUUID(), source: channel, account, topic: event.topic, dedupeKey: event.dedupeKey, eventId: event.eventId,
        bodyHash: createHash('sha256').update(event.body).digest('hex'), rawBody: body.stored, redactedFields: body.redacted,
        headers: { 'x-hub-polled-stream': stream }, correlationId,
        status: body.jsonError === null ? 'PENDING' : 'REJECTED', error: body.jsonError, triggeredAt: null,
      });
    }));
    const stored = outcomes.filter((o) => o.kind === 'inserted').length;
    return { stored, duplicates: outcomes.length - stored };
  }

  async watermark(channel: string, account: string, stream: string): Promise<string | null> {
    const rows: { watermark: string }[] = await this.dataSource.query(
      'SELECT watermark FROM channel_poll_watermarks WHERE channel = $1 AND account = $2 AND stream = $3',
      [channel, account, stream],
    );
    return rows[0]?.watermark ?? null;
  }

  /** Never backwards, even when two runners race on one feed. */
  private async save(channel: string, account: string, stream: string, watermark: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO channel_poll_watermarks (channel, account, stream, watermark) VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel, account, stream) DO UPDATE SET watermark = EXCLUDED.watermark, polled_at = now()
       WHERE channel_poll_watermarks.watermark < EXCLUDED.watermark`,
      [channel, account, stream, watermark],
    );
  }
}
