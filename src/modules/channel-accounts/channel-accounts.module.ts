import { Module } from '@nestjs/common';
import { ChannelAccountOrderRules } from './channel-account-order-rules.js';
import { ChannelAccountZones } from './channel-account-zones.js';
import { ChannelAccountsController } from './channel-accounts.controller.js';
import { ChannelAdminApiService } from './channel-admin-api.service.js';
import { ChannelSecretsService } from './channel-secrets.service.js';
import { ChannelPullAccounts } from './channel-pull-accounts.service.js';

/** Channel accounts and their webhook secrets, read by ingestion and managed by admins. */
@Module({
  controllers: [ChannelAccountsController],
  providers: [ChannelSecretsService, ChannelAdminApiService, ChannelAccountZones, ChannelAccountOrderRules, ChannelPullAccounts],
  exports: [ChannelSecretsService, ChannelAdminApiService, ChannelAccountZones, ChannelAccountOrderRules, ChannelPullAccounts],
})
export class ChannelAccountsModule {}
