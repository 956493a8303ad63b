import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config.js';
import { RepeatingScan } from '../../platform/files/repeating-scan.js';
import { scanImportFolder } from './import-folder.js';
import { SettlementJournalsService } from './journals/settlement-journals.service.js';
import { SettlementMatchingService } from './settlement-matching.service.js';

/**
 * Watches IMPORT_DIR in worker processes: every IMPORT_SCAN_INTERVAL_MS, the files dropped
 * there are imported, each settlement's summary journal is scheduled as for an upload, and once
 * any landed, matching runs over the ledger.
 */
@Injectable()
export class ImportFolderWatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ImportFolderWatcher.name);
  private readonly repeating = new RepeatingScan(() => this.scan());

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SettlementMatchingService) private readonly matching: SettlementMatchingService,
    @Inject(SettlementJournalsService) private readonly journals: SettlementJournalsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.importDir || this.config.role === 'api') return;
    this.repeating.start(this.config.importScanIntervalMs);
  }

  onModuleDestroy(): Promise<void> {
    return this.repeating.stop();
  }

  private async scan(): Promise<void> {
    try {
      const results = await scanImportFolder(this.db, this.config.importDir!, 'import-folder', {
        onImported: (runner, imported) => this.journals.imported(runner, imported),
      });
      for (const r of results) this.logger.log({ msg: 'settlement report from the import folder', file: r.file, outcome: r.outcome });
      if (results.some((r) => r.outcome === 'IMPORTED' || r.outcome === 'CONTROL_TOTAL_FAILED')) await this.matching.run();
    } catch (error) {
      this.logger.error({ msg: 'import folder scan failed', error: (error as Error).message });
    }
  }
}
