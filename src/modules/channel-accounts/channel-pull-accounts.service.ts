import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PullAccount } from '../../adapters/channels/channel-port.js';

/** The accounts of a pulled channel the hub may call: enabled, with an API token. */
@Injectable()
export class ChannelPullAccounts {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async list(channel: string): Promise<PullAccount[]> {
    const rows: { account: string; admin_api_url: string | null; admin_access_token: string; settings: Record<string, unknown> }[] = await this.dataSource.query(
      `SELECT account, admin_api_url, admin_access_token, settings FROM channel_accounts
       WHERE channel = $1 AND enabled AND admin_access_token IS NOT NULL ORDER BY account`,
      [channel],
    );
    return rows.map((r) => ({ account: r.account, apiUrl: r.admin_api_url, accessToken: r.admin_access_token, settings: r.settings ?? {} }));
  }

  async get(channel: string, account: string): Promise<PullAccount | null> {
    return (await this.list(channel)).find((a) => a.account === account) ?? null;
  }
}
