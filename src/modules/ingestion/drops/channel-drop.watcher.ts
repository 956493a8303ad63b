import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ChannelAdapter } from '../../../adapters/channels/channel-port.js';
import { channelByCode } from '../../../adapters/channels/registry.js';
import { APP_CONFIG, type AppConfig } from '../../../platform/config/app-config.js';
import { RepeatingScan } from '../../../platform/files/repeating-scan.js';
import { ChannelSecretsService } from '../../channel-accounts/channel-secrets.service.js';
import { ChannelBatchIngestionService } from '../channel-batch-ingestion.service.js';
import { scanDropFolder, type DropIntake } from './channel-drop-folder.js';

/**
 * Watches the drop folder of each channel that takes files (POS_DROP_DIR for store systems) in
 * worker processes, every DROP_SCAN_INTERVAL_MS. A dropped file is trusted as its account's: the
 * folder's permissions are its signature, and the account must be an enabled channel account.
 */
@Injectable()
export class ChannelDropWatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ChannelDropWatcher.name);
  private readonly repeating = new RepeatingScan(() => this.scan());
  private readonly folders: { channel: ChannelAdapter; root: string }[];
  private readonly intake: DropIntake;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ChannelBatchIngestionService) batches: ChannelBatchIngestionService,
    @Inject(ChannelSecretsService) secrets: ChannelSecretsService,
  ) {
    this.folders = Object.entries(config.channelDropDirs).flatMap(([code, root]) => {
      const channel = channelByCode(code);
      return channel?.batches?.fromFile ? [{ channel, root }] : [];
    });
    this.intake = {
      accountEnabled: async (channel, account) => (await secrets.secretsFor(channel.code, account, null)).length > 0,
      keep: (channel, account, parsed, correlationId) => batches.keep(channel, account, parsed, correlationId),
    };
  }

  onApplicationBootstrap(): void {
    if (this.folders.length === 0 || this.config.role === 'api') return;
    this.repeating.start(this.config.dropScanIntervalMs);
  }

  onModuleDestroy(): Promise<void> {
    return this.repeating.stop();
  }

  private async scan(): Promise<void> {
    for (const { channel, root } of this.folders) {
      try {
        for (const r of await scanDropFolder(channel, root, this.intake)) {
          this.logger.log({ msg: 'file from the drop folder', channel: channel.code, file: r.file, status: r.status, counts: r.counts });
        }
      } catch (error) {
        this.logger.error({ msg: 'drop folder scan failed', channel: channel.code, error: (error as Error).message });
      }
    }
  }
}
