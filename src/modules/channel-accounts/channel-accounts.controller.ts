import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { channelByCode, normaliseAccount } from '../../adapters/channels/registry.js';
import { RequireRole } from '../../platform/auth/roles.guard.js';
import { ApiError } from '../../platform/http/api-error.js';
import { httpUrl, withoutUserinfo } from '../../platform/http/input-checks.js';
import { isTimeZone } from '../../canonical/accounting-date.js';
import { DEFAULT_CONVERSION_ROUNDING_PER_LINE } from '../../canonical/conversion.js';
import { ChannelAccountOrderRules } from './channel-account-order-rules.js';
import { ChannelAccountZones } from './channel-account-zones.js';
import { ChannelSecretsService } from './channel-secrets.service.js';
import { UpsertChannelAccountDto } from './channel-account.dto.js';

interface ChannelAccountView {
  id: string;
  channel: string;
  account: string;
  enabled: boolean;
  adminApiUrl: string | null;
  adminApiConfigured: boolean;
  timezone: string | null;
  allowTestOrders: boolean;
  conversionRoundingPerLine: number;
  settings: Record<string, unknown>;
  updatedAt: Date;
}

const COLUMNS = 'id, channel, account, enabled, admin_api_url, admin_access_token IS NOT NULL AS admin_api_configured, timezone, ' +
  'allow_test_orders, conversion_rounding_per_line, settings, updated_at';
const view = (r: Record<string, unknown>): ChannelAccountView => ({
  id: r.id as string, channel: r.channel as string, account: r.account as string, enabled: r.enabled as boolean,
  adminApiUrl: withoutUserinfo(r.admin_api_url as string | null), adminApiConfigured: r.admin_api_configured as boolean,
  timezone: (r.timezone as string | null) ?? null, allowTestOrders: r.allow_test_orders as boolean,
  conversionRoundingPerLine: r.conversion_rounding_per_line as number,
  settings: (r.settings as Record<string, unknown> | null) ?? {}, updatedAt: r.updated_at as Date,
});

/** Per-account webhook secrets. Secrets are write-only: no response ever carries one. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/channel-accounts')
export class ChannelAccountsController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ChannelSecretsService) private readonly secrets: ChannelSecretsService,
    @Inject(ChannelAccountZones) private readonly zones: ChannelAccountZones,
    @Inject(ChannelAccountOrderRules) private readonly rules: ChannelAccountOrderRules,
  ) {}

  @Get()
  @RequireRole('reader')
  async list(): Promise<ChannelAccountView[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM channel_accounts ORDER BY channel, account`);
    return rows.map(view);
  }

  @Put()
  @RequireRole('admin')
  @ApiOperation({ summary: 'Create or replace a channel account: its webhook secret and, optionally, Admin API access' })
  async upsert(@Body() body: unknown): Promise<ChannelAccountView> {
    const dto = plainToInstance(UpsertChannelAccountDto, body ?? {});
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) {
      const first = errors[0];
      throw new ApiError(400, 'VALIDATION_FAILED', Object.values(first.constraints ?? {}).join('; ') || 'invalid', first.property);
    }
    // Checked here, not by @IsUrl, so user:password@ is refused with its own reason.
    const adminApiUrl = dto.adminApiUrl == null ? null : httpUrl(dto.adminApiUrl, 'adminApiUrl').toString().replace(/\/$/, '');
    // An IANA name the runtime knows; a fixed offset would be wrong half the year where clocks change.
    if (dto.timezone !== undefined && (!isTimeZone(dto.timezone) || /^[+-]/.test(dto.timezone))) {
      throw new ApiError(400, 'VALIDATION_FAILED', `timezone ${JSON.stringify(dto.timezone)} is not an IANA time zone such as America/New_York`, 'timezone');
    }
    const settings = dto.settings ?? {};
    const pull = channelByCode(dto.channel)?.pull;
    try {
      if (pull && (dto.adminAccessToken !== undefined || Object.keys(settings).length > 0)) pull.checkSettings(settings);
    } catch (error) {
      throw new ApiError(400, 'VALIDATION_FAILED', error instanceof Error ? error.message : String(error), 'settings');
    }
    const account = normaliseAccount(dto.channel, dto.account);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `INSERT INTO channel_accounts (id, channel, account, webhook_secret, enabled, admin_api_url, admin_access_token, timezone,
         allow_test_orders, conversion_rounding_per_line, settings) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (channel, account) DO UPDATE SET webhook_secret = EXCLUDED.webhook_secret, enabled = EXCLUDED.enabled,
         admin_api_url = EXCLUDED.admin_api_url, admin_access_token = EXCLUDED.admin_access_token, timezone = EXCLUDED.timezone,
         allow_test_orders = EXCLUDED.allow_test_orders, conversion_rounding_per_line = EXCLUDED.conversion_rounding_per_line,
         settings = EXCLUDED.settings, updated_at = now()
       RETURNING ${COLUMNS}`,
      [randomUUID(), dto.channel, account, dto.webhookSecret, dto.enabled ?? true, adminApiUrl, dto.adminAccessToken ?? null, dto.timezone ?? null,
        dto.allowTestOrders ?? false, dto.conversionRoundingPerLine ?? DEFAULT_CONVERSION_ROUNDING_PER_LINE, JSON.stringify(settings)],
    );
    this.rules.forget(dto.channel, account);
    this.secrets.forget(dto.channel, account);
    this.zones.forget(dto.channel, account);
    return view(rows[0]);
  }
}
