import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../platform/config/app-config.js';
import { inTransaction } from '../../../platform/database/sql.js';
import { HeldShipments } from './held-shipments.js';
import { ShipmentEventsService } from './shipment-events.service.js';

const BATCH = 100;

/**
 * The safety net under the release: a held shipment whose order can now take it is applied
 * here if the release did not see it (it committed while the order's first transaction was
 * open) or it was held before the release looked for such rows at all. Each in its own
 * transaction, under the same locks as every other path, so it never applies one twice.
 */
@Injectable()
export class HeldShipmentSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(HeldShipmentSweeper.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(HeldShipments) private readonly held: HeldShipments,
    @Inject(ShipmentEventsService) private readonly shipments: ShipmentEventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => (this.running = null));
    }, this.config.sweepIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Applies what is due; returns how many shipments were confirmed. */
  async sweep(): Promise<number> {
    let confirmed = 0;
    try {
      for (const id of await this.held.dueForRecheck(BATCH)) {
        const outcome = await inTransaction(this.dataSource, (runner) => this.shipments.recheck(runner, id, 'SWEEP', true));
        if (outcome.kind === 'CONFIRMED') confirmed += 1;
      }
      if (confirmed > 0) this.logger.log({ msg: 'applied held shipments whose order can now take them', shipments: confirmed });
    } catch (error) {
      this.logger.warn({ msg: 'held-shipment sweep failed; will try again', err: String(error) });
    }
    return confirmed;
  }
}
