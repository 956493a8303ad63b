import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

interface CachedSecret {
  readonly secret: string | null;
  readonly enabled: boolean;
  readonly until: number;
}

/** How long a looked-up secret is trusted before the table is read again. */
const TTL_MS = 5000;

/**
 * Which secret signs a channel account's webhooks: its own from channel_accounts, else
 * the channel's quick-start default. Cached briefly so the webhook path rarely touches the table.
 */
@Injectable()
export class ChannelSecretsService {
  private readonly cache = new Map<string, CachedSecret>();

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * The candidate secrets, or [] when the account is disabled or nothing is configured.
   * `fallback` is the channel's quick-start default (from the environment), if it has one.
   */
  async secretsFor(channel: string, account: string | null, fallback: string | null): Promise<string[]> {
    const own = account ? await this.lookup(channel, account) : null;
    if (own && !own.enabled) return [];
    if (own?.secret) return [own.secret];
    return fallback ? [fallback] : [];
  }

  forget(channel: string, account: string): void {
    this.cache.delete(`${channel}\u0000${account}`);
  }

  private async lookup(channel: string, account: string): Promise<CachedSecret> {
    const key = `${channel}\u0000${account}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached;
    const rows: { webhook_secret: string; enabled: boolean }[] = await this.dataSource.query(
      'SELECT webhook_secret, enabled FROM channel_accounts WHERE channel = $1 AND account = $2',
      [channel, account],
    );
    const entry: CachedSecret = {
      secret: rows[0]?.webhook_secret ?? null,
      enabled: rows[0]?.enabled ?? true,
      until: Date.now() + TTL_MS,
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, entry);
    return entry;
  }
}
