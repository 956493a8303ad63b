import type { Logger } from '@nestjs/common';
import pg from 'pg';
import { POSTINGS_DUE_CHANNEL } from './outbox/posting-outbox.js';

/**
 * Hears PostgreSQL's NOTIFY on POSTINGS_DUE_CHANNEL, which the transactions that release
 * orders or replay postings send; PostgreSQL delivers it only when they commit. So the relay
 * queues a new posting as soon as it exists, without polling for it. A hint only: while the
 * connection is down the relay's own timer still finds every due posting.
 */
export class PostingsDueListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    /** The notification's payload: one due posting, or '' when the relay should look for itself. */
    private readonly onDue: (payload: string) => void,
    private readonly logger: Logger,
  ) {}

  get listening(): boolean {
    return this.client !== null;
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message: pg.Notification) => this.onDue(message.payload ?? ''));
    client.on('error', (error: Error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${POSTINGS_DUE_CHANNEL}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      // Whatever was released while nobody listened is due now.
      this.onDue('');
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.client !== null && this.client !== client) return;
    this.client = null;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (this.stopped || this.retry) return;
    this.logger.warn({ msg: 'not hearing of new postings; the relay polls until it listens again', err: error.message });
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.start();
    }, 1000);
    this.retry.unref();
  }
}
