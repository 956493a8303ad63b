/**
 * Pull channels (marketplaces that offer no webhooks, or whose webhooks only say "something
 * changed") are polled: per account and stream, from a watermark the hub keeps, into the same
 * inbox with the same dedupe as pushed deliveries. A poller only fetches; the runner stores.
 */
export interface PolledEvent {
  /** Inbox topic, as the channel's adapter will understand it. */
  readonly topic: string;
  /** Same on every fetch of the same event version (id + updated time), so overlaps are duplicates. */
  readonly dedupeKey: string;
  readonly eventId: string | null;
  /** The event as the channel's adapter reads it (JSON text). */
  readonly body: Buffer;
  /** Where this event puts the watermark: an ordered value (ISO instant, sequence number as fixed-width text). */
  readonly cursor: string;
}

export interface PollPage {
  readonly events: readonly PolledEvent[];
  /** More to fetch now, from the advanced watermark. */
  readonly more: boolean;
}

export interface ChannelPoller {
  /** The channel code: the inbox source, and the adapter that understands the events. */
  readonly channel: string;
  readonly account: string;
  /** One account may have several feeds (orders, returns); each keeps its own watermark. */
  readonly stream: string;
  /** Events after `since` (null: from the channel's start point), oldest first. */
  fetch(since: string | null): Promise<PollPage>;
}

/**
 * The watermark after a page was stored: the highest cursor, never moving back. Cursors
 * compare as text, so pollers give them in a sortable form. Events at the watermark itself
 * are fetched again next time (channels often have second-granular timestamps) and are
 * duplicates in the inbox, never lost.
 */
export function advanceWatermark(current: string | null, events: readonly Pick<PolledEvent, 'cursor'>[]): string | null {
  let next = current;
  for (const event of events) if (next === null || event.cursor > next) next = event.cursor;
  return next;
}
