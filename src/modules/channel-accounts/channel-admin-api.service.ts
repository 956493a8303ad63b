import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ChannelAdminApi {
  readonly adminApiUrl: string | null;
  readonly adminAccessToken: string;
  readonly settings: Readonly<Record<string, unknown>>;
}

/** How the hub calls a channel account's own API (tracking back through the channel port), for the modules that do. */
@Injectable()
export class ChannelAdminApiService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The enabled account's Admin API access, or null when none is configured. */
  async adminApiOf(channel: string, account: string): Promise<ChannelAdminApi | null> {
    const [row]: { admin_api_url: string | null; admin_access_token: string | null; settings: Record<string, unknown> | null }[] = await this.dataSource.query(
      'SELECT admin_api_url, admin_access_token, settings FROM channel_accounts WHERE channel = $1 AND account = $2 AND enabled',
      [channel, account],
    );
    return row?.admin_access_token ? { adminApiUrl: row.admin_api_url, adminAccessToken: row.admin_access_token, settings: row.settings ?? {} } : null;
  }
}
