import { type DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bull';
import type { AppConfig } from '../../platform/config/app-config.js';
import { INGEST_QUEUE } from '../../platform/queue/queue-names.js';
import { OrdersModule } from '../orders/orders.module.js';
import { ShipmentEventsModule } from '../fulfillments/shipments/shipment-events.module.js';
import { FulfillmentIngestionService } from './fulfillment-ingestion.service.js';
import { FulfillmentWebhookController } from './fulfillment-webhook.controller.js';
import { ChannelAccountsModule } from '../channel-accounts/channel-accounts.module.js';
import { InboxWriter } from './inbox/inbox-writer.js';
import { InboxReader } from './graphql/inbox-reader.js';
import { SourceEventFieldsResolver } from './graphql/source-event-fields.resolver.js';
import { MasterDataModule } from '../master-data/master-data.module.js';
import { ReturnsModule } from '../returns/returns.module.js';
import { StoreDaysModule } from '../store-days/store-days.module.js';
import { HeldOrderRedriver } from './held-order-redriver.js';
import { InboxBatcher } from './inbox-batcher.js';
import { OrderMappingResolver } from './order-mapping-resolver.js';
import { InboxProcessorService } from './inbox-processor.service.js';
import { OrderActions } from './order-actions.js';
import { OrderActionsController } from './order-actions.controller.js';
import { OrderActionsResolver } from './graphql/order-actions.resolver.js';
import { InboxQueueProcessor } from './inbox.processor.js';
import { InboxSweeper } from './inbox-sweeper.js';
import { IngestMetrics } from './ingest-metrics.js';
import { ChannelBatchIngestionService } from './channel-batch-ingestion.service.js';
import { ChannelIngestionService } from './channel-ingestion.service.js';
import { ChannelWebhookController } from './channel-webhook.controller.js';
import { ChannelDropWatcher } from './drops/channel-drop.watcher.js';
import { ChannelPollRunner } from './polling/channel-poll-runner.js';
import { ChannelPullScheduler } from './polling/channel-pull-scheduler.js';
import { ExchangeOrders } from './exchange-orders.js';
import { ChannelRateBudgets } from '../../platform/queue/channel-rate-budgets.js';

/**
 * Webhook endpoints and the inbox on the API side; the queue consumer and the sweeper on
 * the worker side. ROLE decides which halves this process runs.
 */
@Module({})
export class IngestionModule {
  static forRole(config: Pick<AppConfig, 'role' | 'workerDuties'>): DynamicModule {
    const api = config.role === 'api' || config.role === 'all';
    const worker = config.role !== 'api' && config.workerDuties.has('ingest');
    return {
      module: IngestionModule,
      imports: [BullModule.registerQueue({ name: INGEST_QUEUE }), OrdersModule, ShipmentEventsModule, ChannelAccountsModule, MasterDataModule, ReturnsModule, StoreDaysModule],
      controllers: api ? [ChannelWebhookController, FulfillmentWebhookController, OrderActionsController] : [],
      providers: [
        IngestMetrics,
        InboxWriter,
        ChannelIngestionService,
        ChannelBatchIngestionService,
        ChannelPollRunner,
        ChannelPullScheduler,
        ChannelRateBudgets,
        FulfillmentIngestionService,
        InboxProcessorService,
        OrderMappingResolver,
        ExchangeOrders,
        InboxReader,
        SourceEventFieldsResolver,
        OrderActions,
        OrderActionsResolver,
        ...(worker ? [InboxBatcher, InboxQueueProcessor, InboxSweeper, HeldOrderRedriver, ChannelDropWatcher] : []),
      ],
      exports: [InboxProcessorService, InboxReader, ChannelPollRunner, ChannelPullScheduler],
    };
  }
}
