import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChannelPoller, PolledEvent, PollPage } from '../src/modules/ingestion/polling/channel-poller.js';
import { ChannelPollRunner } from '../src/modules/ingestion/polling/channel-poll-runner.js';
import { freshDatabase } from './support/test-database.js';
import { dropQueueKeys, eventually, startHub, type TestHub } from './support/test-hub.js';

jest.setTimeout(30_000);

const template = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/storefront/order-upserted.json', import.meta.url)), 'utf8'));

/** A feed of order versions, served from a watermark like a marketplace's "updated since" call, with a page overlap. */
class FakeFeed implements ChannelPoller {
  readonly channel = 'STOREFRONT';
  readonly account = 'polled-store';
  readonly stream = 'orders';
  readonly asked: (string | null)[] = [];
  constructor(readonly events: PolledEvent[], private readonly pageSize = 2) {}

  async fetch(since: string | null): Promise<PollPage> {
    this.asked.push(since);
    // Inclusive of the watermark, as second-granular "updated since" APIs are: overlaps come back.
    const after = this.events.filter((e) => since === null || e.cursor >= since).sort((a, b) => a.cursor.localeCompare(b.cursor));
    return { events: after.slice(0, this.pageSize), more: after.length > this.pageSize };
  }
}

function version(id: string, updatedAt: string): PolledEvent {
  const body = { ...template, order: { ...template.order, id, updatedAt } };
  return { topic: 'order.upserted', dedupeKey: `${id}@${updatedAt}`, eventId: null, body: Buffer.from(JSON.stringify(body)), cursor: updatedAt };
}

describe('pull channels: poller, watermark and the shared inbox (PostgreSQL + Redis)', () => {
  let hub: TestHub;
  const prefix = `e2e-polling-${randomUUID()}`;

  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('polling'), queuePrefix: prefix });
  });

  afterAll(async () => {
    await hub?.close();
    await dropQueueKeys(prefix);
  });

  it('stores each version once, advances the watermark past what it stored, and the processor makes orders of them', async () => {
    const a = `PA-${randomUUID().slice(0, 6)}`;
    const b = `PB-${randomUUID().slice(0, 6)}`;
    const feed = new FakeFeed([version(a, '2026-05-01T10:00:01Z'), version(b, '2026-05-01T10:00:02Z'), version(a, '2026-05-01T10:00:03Z')]);
    const runner = hub.app.get(ChannelPollRunner);

    const first = await runner.pollOnce(feed);
    expect(first).toEqual({ stored: 3, duplicates: 1, watermark: '2026-05-01T10:00:03Z' });
    expect(feed.asked).toEqual([null, '2026-05-01T10:00:02Z']);
    expect(await runner.watermark('STOREFRONT', 'polled-store', 'orders')).toBe('2026-05-01T10:00:03Z');

    // Nothing new: the overlap at the watermark comes back and is a duplicate; the watermark stays.
    const again = await runner.pollOnce(feed);
    expect(again).toEqual({ stored: 0, duplicates: 1, watermark: '2026-05-01T10:00:03Z' });

    const rows = await hub.sql<{ dedupe_key: string; source: string; account: string }>(
      `SELECT dedupe_key, source, account FROM inbox WHERE dedupe_key LIKE ANY($1) ORDER BY dedupe_key`, [[`${a}@%`, `${b}@%`]]);
    expect(rows.map((r) => r.dedupe_key).sort()).toEqual([`${a}@2026-05-01T10:00:01Z`, `${a}@2026-05-01T10:00:03Z`, `${b}@2026-05-01T10:00:02Z`].sort());
    expect(rows.every((r) => r.source === 'STOREFRONT' && r.account === 'polled-store')).toBe(true);

    const orders = await eventually(async () => {
      const found = await hub.sql<{ external_id: string; status: string; source_updated_at: Date }>(
        'SELECT external_id, status, source_updated_at FROM orders WHERE channel = $1 AND external_id = ANY($2) ORDER BY external_id', ['STOREFRONT', [a, b]]);
      if (found.length < 2 || found.find((o) => o.external_id === a)?.source_updated_at.toISOString() !== '2026-05-01T10:00:03.000Z') throw new Error('not yet');
      return found;
    });
    expect(orders.map((o) => o.status)).toEqual(['RELEASED', 'RELEASED']);
  });
});
